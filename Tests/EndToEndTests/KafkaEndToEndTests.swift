import Foundation
import XCTest

/// The built binary's `broker` and `emit` commands, checked with kcat as a Kafka user would.
final class KafkaEndToEndTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `.build/debug/spendtop`; `make test` builds it before the tests run.
    private static let spendtop = packageRoot.appendingPathComponent(".build/debug/spendtop")
    private static let topic = "huleedu.llm_provider.cost_tracking.v1"

    // MARK: - Helpers

    private struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs a program to completion, killing it after `timeout` seconds.
    private func run(_ executable: URL, _ arguments: [String], timeout: Double = 60) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let collected = Collected()
        let readers = DispatchGroup()
        for (pipe, isOutput) in [(output, true), (errors, false)] {
            readers.enter()
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isOutput: isOutput)
                readers.leave()
            }.start()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        readers.wait()
        return Result(status: process.terminationStatus, output: collected.text(isOutput: true), errors: collected.text(isOutput: false))
    }

    private func spendtop(_ arguments: [String], timeout: Double = 60) throws -> Result {
        try run(Self.spendtop, arguments, timeout: timeout)
    }

    /// Starts `spendtop broker` and returns the process with the address it printed.
    private func startBroker(_ extraArguments: [String] = []) throws -> (Process, String) {
        let process = Process()
        process.executableURL = Self.spendtop
        process.arguments = ["broker"] + extraArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        var bytes = Data()
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        let address = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return (process, address)
    }

    /// Sends `signal` to the broker and returns its exit status, or nil when it had to be killed.
    private func stopBroker(_ process: Process, signal: Int32 = SIGTERM) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    private func kcat() throws -> URL {
        let path = "/usr/bin/kcat"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("kcat is not installed at \(path)")
        }
        return URL(fileURLWithPath: path)
    }

    /// Reads every message of the topic with kcat, formatted (the value by default), from the beginning to the end.
    private func consumeWithKcat(_ address: String, format: String = "%s\\n") throws -> [String] {
        let result = try run(try kcat(), ["-C", "-b", address, "-t", Self.topic, "-e", "-q", "-f", format], timeout: 60)
        XCTAssertEqual(result.status, 0, result.errors)
        return result.output.split(separator: "\n").map(String.init)
    }

    /// Sums `data.cost_estimate_usd` over JSON lines in micro-dollars and formats it with six decimals.
    private func spendOf(_ lines: [String]) -> String {
        var micros: Int64 = 0
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let payload = object["data"] as? [String: Any],
                  let cost = payload["cost_estimate_usd"] as? NSNumber else { continue }
            // Costs are written with at most six decimals, so rounding to micro-dollars is exact.
            micros += Int64((cost.doubleValue * 1_000_000).rounded())
        }
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Returns the event count, spend and cache hits from `emitted N events, spend_usd X, cache_hits N`.
    private func summaryNumbers(_ output: String) -> [String] {
        let words = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        guard words.count == 7 else { return [] }
        return [words[1], String(words[4].dropLast()), words[6]]
    }

    // MARK: - Tests

    func testEmitThenKcatCountsEveryEvent() throws {
        _ = try kcat()
        let (broker, address) = try startBroker()
        defer { _ = stopBroker(broker) }
        XCTAssertTrue(address.hasPrefix("127.0.0.1:"), address)

        let started = Date()
        let emit = try spendtop(["emit", "-b", address, "--count", "5000", "--seed", "7"])
        let seconds = Date().timeIntervalSince(started)
        print("emit published 5000 events in \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(emit.status, 0, emit.errors)
        XCTAssertEqual(emit.output.split(separator: "\n").count, 1, emit.output)
        let numbers = summaryNumbers(emit.output)
        XCTAssertEqual(numbers.first, "5000", emit.output)

        let lines = try consumeWithKcat(address)
        XCTAssertEqual(lines.count, 5000)
        XCTAssertEqual(spendOf(lines), numbers.dropFirst().first)
        let cacheHits = lines.filter { $0.contains("\"cached\": true, \"cache_cost_savings_usd\": ") }.count
        XCTAssertEqual(String(cacheHits), numbers.last)

        let partitions = try consumeWithKcat(address, format: "%p\\n")
        for partition in ["0", "1", "2"] {
            XCTAssertEqual(Double(partitions.filter { $0 == partition }.count), 5000.0 / 3, accuracy: 1, "partition \(partition)")
        }
        XCTAssertEqual(stopBroker(broker), 0)
    }

    func testEmitFilePublishesLinesUnchanged() throws {
        _ = try kcat()
        let (broker, address) = try startBroker()
        defer { _ = stopBroker(broker) }
        let fixture = Self.packageRoot.appendingPathComponent("Tests/Fixtures/cost_tracking.jsonl")
        let fileLines = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").map(String.init)

        let emit = try spendtop(["emit", "-b", address, "--file", fixture.path])
        XCTAssertEqual(emit.status, 0, emit.errors)
        XCTAssertEqual(summaryNumbers(emit.output).first, String(fileLines.count), emit.output)
        XCTAssertEqual(summaryNumbers(emit.output).dropFirst().first, spendOf(fileLines))

        let lines = try consumeWithKcat(address)
        XCTAssertEqual(lines.sorted(), fileLines.sorted())
    }

    func testEmitRateIsPaced() throws {
        let (broker, address) = try startBroker()
        defer { _ = stopBroker(broker) }
        let emit = try spendtop(["emit", "-b", address, "--rate", "200", "--duration", "2s", "--seed", "1"])
        XCTAssertEqual(emit.status, 0, emit.errors)
        let count = Int(summaryNumbers(emit.output).first ?? "") ?? -1
        XCTAssertGreaterThanOrEqual(count, 360, emit.output)
        XCTAssertLessThanOrEqual(count, 410, emit.output)
    }

    func testBrokerStopsOnSigint() throws {
        let (broker, address) = try startBroker(["--partitions", "5"])
        XCTAssertTrue(address.hasPrefix("127.0.0.1:"), address)
        XCTAssertEqual(stopBroker(broker, signal: SIGINT), 0)
    }

    func testBrokerHelpStatesRetention() throws {
        let help = try spendtop(["broker", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.output.contains("5 MiB per partition"), help.output)
        XCTAssertTrue(help.output.contains("not long replays"), help.output)
    }

    func testUsageErrorsExit64() throws {
        let cases: [[String]] = [
            ["emit", "--count", "5"],
            ["emit", "-b", "127.0.0.1:1", "--rate", "fast"],
            ["emit", "-b", "127.0.0.1:1", "--count", "5", "--duration", "1s"],
            ["emit", "-b", "127.0.0.1:1", "--incident", "org=district-1"],
            ["emit", "-b", "127.0.0.1:1", "--colour"],
            ["broker", "--partitions", "0"],
        ]
        for arguments in cases {
            let result = try spendtop(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.errors)")
            XCTAssertTrue(result.errors.hasPrefix("spendtop: "), result.errors)
            XCTAssertEqual(result.output, "")
        }
    }

    func testEmitToUnreachableBrokerFails() throws {
        let result = try spendtop(["emit", "-b", "127.0.0.1:1", "--count", "5"], timeout: 30)
        XCTAssertEqual(result.status, 1, result.errors)
        XCTAssertTrue(result.errors.contains("failed"), result.errors)
        XCTAssertEqual(result.output, "")
    }
}

/// Output collected by the reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()

    func store(_ data: Data, isOutput: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isOutput { output = data } else { errors = data }
    }

    func text(isOutput: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: isOutput ? output : errors, as: UTF8.self)
    }
}
