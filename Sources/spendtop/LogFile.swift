import Foundation

/// A log file for one run: `time level message key=value…` lines, created with mode 0600.
///
/// The dashboard draws on the terminal, so nothing is ever logged there. Debug lines are
/// written only with `--debug`; repeats of one message are counted, and after `maxRepeats`
/// of them only every thousandth is written.
final class LogFile: @unchecked Sendable {
    enum Level: String {
        case debug, info, warning, error
    }

    private let handle: FileHandle?
    private let debugEnabled: Bool
    private let lock = NSLock()
    private var repeats: [String: Int] = [:]
    static let maxRepeats = 100

    /// Opens `path` for appending, creating it with mode 0600; nil `path` discards everything.
    init(path: String?, debug: Bool) throws {
        debugEnabled = debug
        guard let path else {
            handle = nil
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RuntimeFailure(message: "cannot open the log file \(path): \(String(cString: strerror(errno))); pass a writable path to --log-file.")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    static let disabled = try! LogFile(path: nil, debug: false)

    func log(_ level: Level, _ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        guard let handle, level != .debug || debugEnabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let seen = repeats[message, default: 0] + 1
        repeats[message] = seen
        guard seen <= Self.maxRepeats || seen % 1000 == 0 else { return }
        var line = "\(Date().ISO8601Format()) \(level.rawValue) \(message)"
        for (key, value) in metadata {
            line += " \(key)=\(value)"
        }
        if seen > Self.maxRepeats {
            line += " repeated=\(seen)"
        }
        handle.write(Data((line + "\n").utf8))
    }
}
