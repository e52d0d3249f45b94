import Foundation
import XCTest

/// Broker faults, secrets, redaction and terminal restore, checked on the built binary: the
/// dashboard in tmux, `spendtop broker` in its own process (SIGUSR1 takes it down, SIGUSR2
/// brings it back), `spendtop emit` and `spendtop report` talking to it over TCP.
final class ReliabilityEndToEndTests: XCTestCase {
    private var folder: URL!
    private var processes: [Process] = []

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("spendtop-reliability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: - Helpers

    /// Starts `spendtop broker` and returns it with the address it printed on its first line.
    private func startBroker() throws -> (process: Process, address: String) {
        let process = Process()
        process.executableURL = try BinaryRunner.binary
        process.arguments = ["broker"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        processes.append(process)
        var bytes = Data()
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        let address = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        XCTAssertTrue(address.hasPrefix("127.0.0.1:"), "broker printed '\(address)'")
        return (process, address)
    }

    /// Returns a TCP port on 127.0.0.1 that nothing listens on: bound by the system, then closed.
    private func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw XCTSkip("cannot create a socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw XCTSkip("cannot bind a socket on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Returns a shell command for tmux that runs the binary with `arguments`, then prints the exit
    /// status and the terminal's icanon and echo flags, and keeps the pane open to read them.
    private func dashboardCommand(_ arguments: [String], environment: String = "") throws -> String {
        let binary = try BinaryRunner.binary.path
        return "\(environment) \(TmuxSession.shellCommand([binary] + arguments)); "
            + "echo exit=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo; echo terminal-modes-done; sleep 60"
    }

    /// Runs `spendtop emit` and returns its totals: events, spend in micro-dollars, cache hits.
    private func emit(_ address: String, _ extra: [String]) throws -> (events: Int, spendMicros: Int64, cacheHits: Int) {
        let result = try BinaryRunner.run(["emit", "-b", address] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try parseTotals(result.stdout)
    }

    /// Parses `emitted N events, spend_usd X.XXXXXX, cache_hits N`.
    private func parseTotals(_ line: String) throws -> (events: Int, spendMicros: Int64, cacheHits: Int) {
        let words = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        guard words.count == 7, let events = Int(words[1]), let hits = Int(words[6]) else {
            throw XCTSkip("unexpected emit output: \(line)")
        }
        return (events, try micros(String(words[4].dropLast())), hits)
    }

    /// Converts a decimal text with six decimals, such as `41.271863`, to micro-dollars.
    private func micros(_ text: String) throws -> Int64 {
        let parts = text.split(separator: ".")
        guard parts.count == 2, parts[1].count == 6, let whole = Int64(parts[0]), let fraction = Int64(parts[1]) else {
            throw XCTSkip("not a six-decimal amount: \(text)")
        }
        return whole * 1_000_000 + fraction
    }

    /// Returns the number after `"name": ` in a flat JSON object.
    private func jsonNumber(_ name: String, in text: String) -> String? {
        guard let range = text.range(of: "\"\(name)\": ") else { return nil }
        return String(text[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    private func permissions(_ url: URL) throws -> Int? {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue
    }

    // MARK: - Broker faults

    func testBrokerDownAtStartKeepsRetrying() throws {
        let port = try closedPort()
        let session = try TmuxSession(command: try dashboardCommand(["-b", "127.0.0.1:\(port)"]), width: 200, height: 50)
        var screen = try session.waitFor("connecting to 127.0.0.1:\(port)")
        screen = try session.waitFor("Connection refused")
        XCTAssertTrue(screen.contains("By provider"), "the panes should draw while the broker is down:\n\(screen)")

        // Still retrying a few seconds later, and still running.
        Thread.sleep(forTimeInterval: 4)
        screen = try session.screen()
        XCTAssertTrue(screen.contains("connecting to 127.0.0.1:\(port)"), screen)
        XCTAssertTrue(session.isRunning)

        try session.send("q")
        screen = try session.waitFor("terminal-modes-done")
        XCTAssertTrue(screen.contains("exit=0"), screen)
        XCTAssertTrue(screen.contains("icanon"), "the terminal was not restored:\n\(screen)")
        XCTAssertTrue(screen.contains("echo"), "the terminal was not restored:\n\(screen)")
    }

    func testBrokerOutageCountsEachEventOnce() throws {
        let broker = try startBroker()
        let stats = folder.appendingPathComponent("stats.json")
        let command = try dashboardCommand([
            "-b", broker.address, "--from", "earliest", "--window", "all",
            "--stats-file", stats.path, "--log-file", folder.appendingPathComponent("dashboard.log").path,
        ])
        let session = try TmuxSession(command: command, width: 200, height: 50)
        try session.waitFor(" connected ")

        let before = try emit(broker.address, ["--count", "3000", "--seed", "71"])
        try session.waitFor("in window 3,000", timeout: 30)

        // Down: the header shows the outage while it lasts.
        kill(broker.process.processIdentifier, SIGUSR1)
        let outage = try session.waitFor("connecting to \(broker.address)", timeout: 15)
        XCTAssertFalse(outage.contains(" connected "), outage)

        // Events published during the outage wait in emit's producer until the broker is back.
        let during = Process()
        during.executableURL = try BinaryRunner.binary
        during.arguments = ["emit", "-b", broker.address, "--count", "2000", "--rate", "1000", "--seed", "72"]
        let duringOutput = Pipe()
        during.standardOutput = duringOutput
        during.standardError = FileHandle.nullDevice
        try during.run()
        processes.append(during)
        Thread.sleep(forTimeInterval: 3)
        XCTAssertTrue(try session.screen().contains("connecting to \(broker.address)"), "the outage ended too early")

        kill(broker.process.processIdentifier, SIGUSR2)
        let duringText = String(decoding: duringOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        during.waitUntilExit()
        XCTAssertEqual(during.terminationStatus, 0, duringText)
        let after = try parseTotals(duringText)

        try session.waitFor(" connected ", timeout: 20)
        try session.waitFor("in window 5,000", timeout: 30)
        // Anything delivered twice would arrive now.
        Thread.sleep(forTimeInterval: 2)
        try session.send("q")
        try session.waitFor("exit=0")

        let text = try String(contentsOf: stats, encoding: .utf8)
        XCTAssertEqual(jsonNumber("events", in: text), String(before.events + after.events), text)
        XCTAssertEqual(jsonNumber("duplicates", in: text), "0", text)
        XCTAssertEqual(try micros(jsonNumber("spend_usd", in: text) ?? ""), before.spendMicros + after.spendMicros, text)
        XCTAssertEqual(jsonNumber("cache_hits", in: text), String(before.cacheHits + after.cacheHits), text)
        XCTAssertEqual(try permissions(stats), 0o600)
    }

    func testSaslAgainstBrokerWithoutIt() throws {
        let broker = try startBroker()
        let sasl = [
            "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN",
            "-X", "sasl.username=u", "-X", "sasl.password=hunter2-secret",
        ]

        let report = try BinaryRunner.run(["report", "-b", broker.address, "--connect-timeout", "3"] + sasl)
        XCTAssertEqual(report.status, 1, report.stderr)
        XCTAssertTrue(report.stderr.contains("SASL Handshake not supported"), report.stderr)
        for property in ["security.protocol", "sasl.mechanisms", "sasl.username", "sasl.password"] {
            XCTAssertTrue(report.stderr.contains(property), "report's stderr does not name \(property):\n\(report.stderr)")
        }
        XCTAssertFalse(report.stderr.contains("hunter2"), report.stderr)
        XCTAssertEqual(report.stdout, "")

        let session = try TmuxSession(command: try dashboardCommand(["-b", broker.address] + sasl), width: 250, height: 50)
        let screen = try session.waitFor("authentication failed")
        for property in ["security.protocol", "sasl.mechanisms", "sasl.username", "sasl.password"] {
            XCTAssertTrue(screen.contains(property), "the header does not name \(property):\n\(screen)")
        }
        XCTAssertFalse(screen.contains("hunter2"), screen)
        try session.send("q")
        try session.waitFor("exit=0")
    }

    // MARK: - Secrets and redaction

    func testSecretsStayOutOfLogsSnapshotsAndErrors() throws {
        let broker = try startBroker()
        _ = try emit(broker.address, ["--count", "50", "--seed", "73"])
        let log = folder.appendingPathComponent("dashboard.log")
        let snapshots = folder.appendingPathComponent("snapshots")
        try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
        // PLAINTEXT ignores both passwords; debug=conf makes librdkafka log its configuration too.
        let command = try dashboardCommand([
            "-b", broker.address, "--from", "earliest", "--window", "all",
            "-X", "sasl.password=hunter2-secret", "-X", "ssl.key.password=keypass-77", "-X", "debug=conf,security",
            "--log-file", log.path, "--snapshot-dir", snapshots.path,
        ])
        let session = try TmuxSession(command: command, width: 200, height: 50)
        try session.waitFor("in window 50", timeout: 20)
        try session.send("S")
        let screen = try session.waitFor("Snapshot written to")
        try session.send("q")
        try session.waitFor("exit=0")

        let logText = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(logText.contains("sasl.password=***"), "the log should echo the configuration, masked:\n\(logText.prefix(2000))")
        XCTAssertEqual(try permissions(log), 0o600)
        let files = try FileManager.default.contentsOfDirectory(at: snapshots, includingPropertiesForKeys: nil)
        XCTAssertEqual(files.count, 2, "\(files)")
        var texts = ["screen": screen, "log": logText]
        for file in files {
            texts[file.lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
            XCTAssertEqual(try permissions(file), 0o600, file.lastPathComponent)
        }
        for (name, text) in texts {
            XCTAssertFalse(text.contains("hunter2"), "\(name) contains sasl.password's value")
            XCTAssertFalse(text.contains("keypass-77"), "\(name) contains ssl.key.password's value")
        }
    }

    func testRejectedSecretPropertyIsMasked() throws {
        let result = try BinaryRunner.run(["report", "-b", "127.0.0.1:9", "-X", "custom.secret=topsecret-42", "--connect-timeout", "1"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("custom.secret=***"), result.stderr)
        XCTAssertFalse(result.stderr.contains("topsecret-42"), result.stderr)
    }

    func testReportRedactHidesUsers() throws {
        let fixture = BinaryRunner.fixtures.appendingPathComponent("cost_tracking.jsonl")
        let users = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["data"] as? [String: Any])?["user_id"] as? String
        }
        XCTAssertGreaterThan(users.count, 5)
        XCTAssertTrue(users.contains("teacher_0042"))

        // Without --redact the ids show, so the check below can fail.
        let plain = try BinaryRunner.run(["report", "--file", fixture.path, "--format", "csv"])
        XCTAssertTrue(plain.stdout.contains("teacher_0042"), plain.stdout)

        var hashes: [String: String] = [:]
        for format in ["table", "json", "csv", "screen"] {
            let result = try BinaryRunner.run(["report", "--file", fixture.path, "--redact", "--format", format])
            XCTAssertEqual(result.status, 0, result.stderr)
            for user in Set(users) {
                XCTAssertFalse(result.stdout.contains(user), "\(format) shows \(user)")
            }
            let hash = result.stdout.range(of: #"user#[0-9a-f]{6}"#, options: .regularExpression).map { String(result.stdout[$0]) }
            hashes[format] = hash
            XCTAssertNotNil(hash, "\(format) has no user#… key:\n\(result.stdout)")
        }
        // The top user (by spend) has the same name in every format, the dashboard's included.
        XCTAssertEqual(Set(hashes.values).count, 1, "\(hashes)")
    }

    func testReportRedactHidesFilterUsers() throws {
        let fixture = BinaryRunner.fixtures.appendingPathComponent("cost_tracking.jsonl")
        let filter = "user=teacher_0042 or (user~teacher_01 and org!=-)"
        for format in ["table", "json", "csv", "screen"] {
            let result = try BinaryRunner.run(["report", "--file", fixture.path, "--redact", "--filter", filter, "--format", format])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertFalse(result.stdout.contains("teacher_0"), "\(format) shows a user named by the filter:\n\(result.stdout)")
            if format != "csv" {
                let shown = result.stdout.range(of: #"user=user#[0-9a-f]{6} or "#, options: .regularExpression)
                XCTAssertNotNil(shown, "\(format) does not show the filter redacted:\n\(result.stdout)")
            }
        }
    }

    // MARK: - Terminal

    func testFatalErrorRestoresTerminal() throws {
        let fixture = BinaryRunner.fixtures.appendingPathComponent("cost_tracking.jsonl")
        let command = try dashboardCommand(["--file", fixture.path, "--refresh", "200"], environment: "SPENDTOP_FAIL_AFTER_FRAMES=5")
        let session = try TmuxSession(command: command, width: 200, height: 50)
        // The terminal modes are printed after the exit status, so wait for the line after them.
        let screen = try session.waitFor("terminal-modes-done")
        XCTAssertTrue(screen.contains("exit=1"), screen)
        XCTAssertTrue(screen.contains("spendtop: the dashboard stopped after 5 frames"), screen)
        XCTAssertTrue(screen.contains("icanon"), "the terminal was not restored:\n\(screen)")
        XCTAssertTrue(screen.contains("echo"), "the terminal was not restored:\n\(screen)")
        // The panes were drawn on the alternate screen; had the message been printed before
        // the terminal was restored, it would have vanished with them.
        XCTAssertFalse(screen.contains("By provider"), screen)
    }
}
