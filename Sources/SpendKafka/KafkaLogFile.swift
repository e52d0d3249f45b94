import Foundation

/// A file that receives librdkafka's log lines and spendtop's own Kafka log lines.
///
/// The file is created with mode 0600 (and an existing file is changed to 0600), because broker
/// addresses and client ids in it may be sensitive. Lines are appended, each stamped with the UTC
/// time, with the values of secret properties replaced by `***` (see `SecretMask`). Writes may
/// come from any thread: librdkafka calls its log callback from its own threads.
public final class KafkaLogFile: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private let mask: SecretMask

    /// Opens `path` for appending, creating it if needed. Lines written later are passed through `mask`.
    public init(path: String, mask: SecretMask = SecretMask([])) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KafkaError(.logFile, "cannot open log file '\(path)': \(String(cString: strerror(errno))); choose a writable path for --log-file.")
        }
        fchmod(descriptor, 0o600)
        self.path = path
        self.descriptor = descriptor
        self.mask = mask
    }

    deinit {
        close(descriptor)
    }

    /// Appends one line: the time, a severity name, a facility and the message.
    public func write(severity: String, facility: String, message: String) {
        let line = mask.apply("\(Self.timestamp()) \(severity) \(facility): \(message)\n")
        lock.lock()
        defer { lock.unlock() }
        line.utf8CString.withUnsafeBufferPointer { buffer in
            // The buffer ends with a NUL, which is not written.
            _ = Foundation.write(descriptor, buffer.baseAddress, buffer.count - 1)
        }
    }

    /// Returns the syslog severity name of a librdkafka log level (0 emerg ... 7 debug).
    static func severityName(level: Int32) -> String {
        let names = ["EMERG", "ALERT", "CRIT", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"]
        return names.indices.contains(Int(level)) ? names[Int(level)] : "LEVEL\(level)"
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = now.tv_sec
        var parts = tm()
        gmtime_r(&time, &parts)
        let milliseconds = now.tv_nsec / 1_000_000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(milliseconds))
    }
}
