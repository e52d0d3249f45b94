import Foundation
import XCTest

/// A detached tmux session on a private server socket, for driving the dashboard like a user.
final class TmuxSession {
    let socket: String
    let name = "spendtop"

    /// Starts `command` in a new session of `width` x `height` characters.
    init(command: String, width: Int, height: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed; make test installs it")
        }
        socket = "spendtop-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The server that new-session starts keeps the descriptors it inherits, which makes
        // Foundation's Process wait forever, so the session is started through system().
        let status = system(Self.shellCommand(["tmux", "-L", socket, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command]))
        guard status == 0 else {
            throw XCTSkip("tmux could not start a session (status \(status))")
        }
    }

    deinit {
        _ = system(Self.shellCommand(["tmux", "-L", socket, "kill-server"]) + " 2>/dev/null")
    }

    @discardableResult
    /// Quotes each word for /bin/sh and joins them.
    static func shellCommand(_ words: [String]) -> String {
        words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }

    func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-L", socket] + arguments
        process.currentDirectoryURL = BinaryRunner.packageRoot
        let output = Pipe()
        process.standardOutput = capture ? output : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = capture ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Types keys: tmux key names such as `Enter`, `Tab`, `BSpace`, or `-l` literal text.
    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-t", name, "-p"])
    }

    /// Waits until the screen contains `text`, up to `timeout` seconds, and returns the screen.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("the screen never showed '\(text)'; it showed:\n\(last)", file: file, line: line)
        return last
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// True while the session's command is still running.
    var isRunning: Bool {
        (try? tmux(["list-panes", "-t", name, "-F", "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines)) == "0"
    }
}
