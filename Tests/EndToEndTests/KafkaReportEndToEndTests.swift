import Foundation
import XCTest

/// `report` and the dashboard reading the embedded broker over TCP, each in its own process.
final class KafkaReportEndToEndTests: XCTestCase {
    var broker: Process?
    var address = ""

    override func setUpWithError() throws {
        let process = Process()
        process.executableURL = try BinaryRunner.binary
        process.arguments = ["broker"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        broker = process
        var bytes = Data()
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        address = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        XCTAssertTrue(address.hasPrefix("127.0.0.1:"), "broker printed '\(address)'")
    }

    override func tearDown() {
        if let broker, broker.isRunning {
            broker.terminate()
            broker.waitUntilExit()
        }
    }

    /// Parses `emitted N events, spend_usd X, cache_hits N`.
    func emitTotals(_ line: String) throws -> (events: Int, spend: String, hits: Int) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" })
        XCTAssertEqual(words.count, 7, line)
        return (Int(words[1]) ?? -1, String(words[4]), Int(words[6]) ?? -1)
    }

    func testReportFromKafkaMatchesEmitTotals() throws {
        let emitted = try BinaryRunner.run(["emit", "-b", address, "--count", "4000", "--seed", "21"])
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let totals = try emitTotals(emitted.stdout)
        XCTAssertEqual(totals.events, 4000)

        let report = try BinaryRunner.run(["report", "-b", address, "--format", "json"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        let counts = try XCTUnwrap(document?["counts"] as? [String: Any])
        XCTAssertEqual(counts["events"] as? Int, 4000)
        XCTAssertEqual(counts["duplicates"] as? Int, 0)
        let total = try XCTUnwrap(document?["total"] as? [String: Any])
        XCTAssertEqual((total["spend_usd"] as? NSNumber)?.stringValue, totals.spend)
        XCTAssertEqual(total["cache_hits"] as? Int, totals.hits)

        // The same messages written to a file give the same totals.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("spendtop-kafka-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let kcat = Process()
        kcat.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
        kcat.arguments = ["-C", "-b", address, "-t", "huleedu.llm_provider.cost_tracking.v1", "-e", "-q"]
        FileManager.default.createFile(atPath: file.path, contents: nil)
        kcat.standardOutput = try FileHandle(forWritingTo: file)
        kcat.standardError = FileHandle.nullDevice
        try kcat.run()
        kcat.waitUntilExit()
        let fromFile = try BinaryRunner.run(["report", "--file", file.path, "--format", "json"])
        let fileTotal = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8)) as? [String: Any])?["total"] as? [String: Any])
        XCTAssertEqual((fileTotal["spend_usd"] as? NSNumber)?.stringValue, totals.spend)
        XCTAssertEqual(fileTotal["requests"] as? Int, 4000)
    }

    func testDashboardFollowsTheBrokerLive() throws {
        let binary = try BinaryRunner.binary.path
        let session = try TmuxSession(
            command: "\(binary) -b \(address) --from earliest --window all; echo exit=$?; sleep 30", width: 160, height: 50
        )
        try session.waitFor("connected")
        let emitted = try BinaryRunner.run(["emit", "-b", address, "--count", "500", "--seed", "5"])
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let totals = try emitTotals(emitted.stdout)
        // The header counts the requests in the window; every emitted event arrives once.
        try session.waitFor("in window 500 ", timeout: 15)
        let spendCents = (Double(totals.spend) ?? 0)
        let screen = try session.screen()
        XCTAssertTrue(screen.contains(String(format: "$%.2f in all", spendCents)), screen)
        try session.send("q")
        try session.waitFor("exit=0")
    }

    /// The embedded broker answers every offsets-for-times lookup with -1, so a time position
    /// starts at the earliest offset and drops older events by their own time.
    func testTimePositionsDropOlderEvents() throws {
        let emitted = try BinaryRunner.run(["emit", "-b", address, "--count", "300", "--seed", "8"])
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let recent = try BinaryRunner.run(["report", "-b", address, "--from", "-15m", "--format", "csv"])
        XCTAssertEqual(recent.status, 0, recent.stderr)
        XCTAssertTrue(recent.stdout.split(separator: "\n")[1].hasPrefix("total,,300,"), recent.stdout)
        let future = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
        let none = try BinaryRunner.run(["report", "-b", address, "--from", "@\(future)", "--format", "csv"])
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertTrue(none.stdout.split(separator: "\n")[1].hasPrefix("total,,0,"), none.stdout)
        let badPosition = try BinaryRunner.run(["report", "-b", address, "--from", "yesterday"])
        XCTAssertEqual(badPosition.status, 64)
    }

    /// Settings that make the consumer fetch a few messages at a time, so a read of a few
    /// thousand messages is still going on a second later.
    static let slowFetch = [
        "-X", "queued.min.messages=10", "-X", "queued.max.messages.kbytes=64",
        "-X", "message.max.bytes=1500", "-X", "fetch.max.bytes=1500", "-X", "max.partition.fetch.bytes=1500",
    ]

    /// Runs `report` reading the broker slowly and takes the broker down a second later.
    /// With `outageSeconds`, the broker comes back after that long.
    func reportThroughOutage(outageSeconds: Double?, connectTimeout: String) throws -> BinaryRunner.Output {
        let broker = try XCTUnwrap(broker)
        let report = Process()
        report.executableURL = try BinaryRunner.binary
        report.arguments = ["report", "-b", address, "--format", "csv", "--connect-timeout", connectTimeout] + Self.slowFetch
        let output = Pipe()
        let errors = Pipe()
        report.standardOutput = output
        report.standardError = errors
        try report.run()
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(report.isRunning, "the slow read ended within a second; the test needs more messages")
        kill(broker.processIdentifier, SIGUSR1)
        if let outageSeconds {
            Thread.sleep(forTimeInterval: outageSeconds)
            kill(broker.processIdentifier, SIGUSR2)
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        report.waitUntilExit()
        return BinaryRunner.Output(
            status: report.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    /// A broker lost after the read began and gone for `--connect-timeout` ends the report with
    /// a message and exit 1, and no partial totals are printed.
    func testReportFailsWhenBrokerStaysDown() throws {
        let emitted = try BinaryRunner.run(["emit", "-b", address, "--count", "3000", "--seed", "12"])
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let report = try reportThroughOutage(outageSeconds: nil, connectTimeout: "2s")
        XCTAssertEqual(report.status, 1, report.stderr)
        XCTAssertEqual(report.stdout, "")
        XCTAssertTrue(report.stderr.contains("lost the Kafka broker for \(address)"), report.stderr)
        XCTAssertTrue(report.stderr.contains("did not return within 2 s"), report.stderr)
    }

    /// A broker that comes back within `--connect-timeout` costs the report nothing: every
    /// event is counted once.
    func testReportWaitsForReturningBroker() throws {
        let emitted = try BinaryRunner.run(["emit", "-b", address, "--count", "60", "--seed", "13"])
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let report = try reportThroughOutage(outageSeconds: 2, connectTimeout: "30s")
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.split(separator: "\n")[1].hasPrefix("total,,60,"), report.stdout)
        XCTAssertTrue(report.stderr.contains("is back; reading on"), report.stderr)
    }
}
