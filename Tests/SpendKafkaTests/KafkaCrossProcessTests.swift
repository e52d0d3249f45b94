import Foundation
import SpendEvents
import SpendKafka
import XCTest

/// `spendtop broker` and `spendtop emit` in their own processes, read by a `KafkaSource` here.
final class KafkaCrossProcessTests: XCTestCase {
    func testEmittedEventsArriveExactlyOnce() throws {
        let broker = try SpendtopProcess(["broker", "-t", KafkaSourceOptions.defaultTopic, "-t", "spendtop.replay"])
        defer { _ = broker.stop() }
        let address = try XCTUnwrap(broker.readFirstLine(timeout: 20), "spendtop broker printed no address")
        XCTAssertTrue(address.hasPrefix("127.0.0.1:"), address)

        let emit = try SpendtopProcess.run(["emit", "-b", address, "--count", "2000", "--seed", "7"])
        XCTAssertEqual(emit.status, 0, emit.errors)
        let summary = try XCTUnwrap(parseEmitSummary(emit.output), "unexpected emit output: \(emit.output)")
        XCTAssertEqual(summary.events, 2000)

        let started = Date()
        let source = try KafkaSource.start(.reading(address, from: .earliest, untilEnd: true))
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 60)
        let seconds = Date().timeIntervalSince(started)
        print("read \(messages.count) messages in \(String(format: "%.2f", seconds)) s")

        let ids = eventIDs(messages).compactMap { $0 }
        XCTAssertEqual(messages.count, 2000)
        XCTAssertEqual(Set(ids).count, 2000)
        XCTAssertEqual(spend(messages).decimalString, summary.spend)
        XCTAssertEqual(Set(messages.map(\.partition)), [0, 1, 2])

        // The same seed in another process gives the same event ids.
        let replay = try SpendtopProcess.run(["emit", "-b", address, "-t", "spendtop.replay", "--count", "2000", "--seed", "7"])
        XCTAssertEqual(replay.status, 0, replay.errors)
        XCTAssertEqual(parseEmitSummary(replay.output)?.spend, summary.spend)
        var replayOptions = KafkaSourceOptions.reading(address, from: .earliest, untilEnd: true)
        replayOptions.topics = ["spendtop.replay"]
        let replaySource = try KafkaSource.start(replayOptions)
        defer { replaySource.stop() }
        let replayed = receiveUntilEnd(from: replaySource, timeout: 60)
        XCTAssertEqual(Set(eventIDs(replayed).compactMap { $0 }), Set(ids))

        XCTAssertEqual(broker.stop(signal: SIGTERM), 0)
    }
}
