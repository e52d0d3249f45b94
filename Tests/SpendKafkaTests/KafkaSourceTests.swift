import Foundation
import SpendEvents
import SpendKafka
import XCTest

final class KafkaSourceTests: XCTestCase {
    func testReadsEveryMessageUntilEnd() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let events = try publishEvents(to: broker.bootstrapServers, count: 1200, seed: 1)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest, untilEnd: true))
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 30)

        XCTAssertEqual(messages.count, 1200)
        XCTAssertEqual(Set(eventIDs(messages).compactMap { $0 }), Set(events.map(\.eventID)))
        XCTAssertEqual(spend(messages), events.reduce(Money.zero) { $0 + $1.cost })
        XCTAssertTrue(messages.allSatisfy { $0.topic == KafkaSourceOptions.defaultTopic })
        XCTAssertEqual(Set(messages.map(\.partition)), [0, 1, 2])
        XCTAssertTrue(messages.allSatisfy { $0.timestampMs != nil })
    }

    func testBatchesStayReadableAfterStop() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let events = try publishEvents(to: broker.bootstrapServers, count: 600, seed: 9)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest, untilEnd: true))
        var batches: [KafkaMessageBatch] = []
        let deadline = Date().addingTimeInterval(30)
        while batches.reduce(0, { $0 + $1.count }) < 600 && Date() < deadline {
            batches += source.drainBatches(waitingUpTo: 0.2)
        }
        // The client is closed and destroyed only when the last batch is released, below.
        source.stop()

        let messages = batches.flatMap { batch in (0..<batch.count).map { batch.message(at: $0) } }
        XCTAssertEqual(messages.count, 600)
        XCTAssertEqual(Set(eventIDs(messages).compactMap { $0 }), Set(events.map(\.eventID)))
        XCTAssertEqual(spend(messages), events.reduce(Money.zero) { $0 + $1.cost })
        for partition in Int32(0)...2 {
            let offsets = messages.filter { $0.partition == partition }.map(\.offset)
            XCTAssertEqual(offsets, Array(0..<200), "offsets of partition \(partition)")
        }
        XCTAssertTrue(batches.allSatisfy { batch in (0..<batch.count).allSatisfy { batch.topic(at: $0) == KafkaSourceOptions.defaultTopic } })
        batches = []
    }

    func testStatusShowsPartitionsAndLag() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        _ = try publishEvents(to: broker.bootstrapServers, count: 300, seed: 2)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest, untilEnd: true))
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 30)
        XCTAssertEqual(messages.count, 300)

        let status = source.status
        XCTAssertEqual(status.connection, .connected)
        XCTAssertEqual(status.partitions.map(\.partition).sorted(), [0, 1, 2])
        XCTAssertEqual(status.partitions.map(\.highWatermark), [100, 100, 100])
        XCTAssertEqual(status.partitions.map(\.position), [100, 100, 100])
        XCTAssertEqual(status.totalLag, 0)
        XCTAssertEqual(status.messagesDelivered, 300)
        XCTAssertNotNil(status.newestMessageTimestampMs)
        XCTAssertEqual(status.missingTopics, [])
    }

    func testLatestSkipsOlderMessages() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        _ = try publishEvents(to: broker.bootstrapServers, count: 90, seed: 3)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .latest))
        defer { source.stop() }
        XCTAssertTrue(waitFor(10) { source.status.partitions.count == 3 })
        let newer = try publishEvents(to: broker.bootstrapServers, count: 30, seed: 4)
        var messages = receive(30, from: source, timeout: 15)
        messages += source.drain(waitingUpTo: 1)

        XCTAssertEqual(messages.count, 30)
        XCTAssertEqual(Set(eventIDs(messages).compactMap { $0 }), Set(newer.map(\.eventID)))
    }

    func testEmptyTopicIsAtEndAtOnce() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest, untilEnd: true))
        defer { source.stop() }
        XCTAssertTrue(waitFor(10) { source.isAtEnd })
        XCTAssertEqual(source.drain().count, 0)
    }

    func testTimePositionReadsFromEarliestOnMock() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        _ = try publishEvents(to: broker.bootstrapServers, count: 60, seed: 5)
        let startMs = Int64(Date().timeIntervalSince1970 * 1000) + 60_000

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .time(milliseconds: startMs), untilEnd: true))
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 20)

        // The mock cluster returns -1 for every offsets-for-times lookup, so every retained message arrives
        // and the caller drops the older ones by this time.
        XCTAssertEqual(source.requestedStartTimeMs, startMs)
        XCTAssertEqual(messages.count, 60)
    }

    func testReadsSeveralTopics() throws {
        // The mock cluster creates any topic a client requests metadata for, and it cannot add
        // partitions, so topics and partitions added while a source runs are not tested here.
        let broker = try EmbeddedBroker(topics: [KafkaSourceOptions.defaultTopic: 3, "spendtop.other": 2])
        defer { broker.stop() }
        var options = KafkaSourceOptions.reading(broker.bootstrapServers, from: .earliest, untilEnd: true)
        options.topics = [KafkaSourceOptions.defaultTopic, "spendtop.other"]
        let first = try publishEvents(to: broker.bootstrapServers, count: 30, seed: 6)
        let second = try publishEvents(to: broker.bootstrapServers, topic: "spendtop.other", partitions: 2, count: 20, seed: 7)

        let source = try KafkaSource.start(options)
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 20)

        XCTAssertEqual(Set(eventIDs(messages).compactMap { $0 }), Set((first + second).map(\.eventID)))
        XCTAssertEqual(messages.filter { $0.topic == "spendtop.other" }.count, 20)
        XCTAssertEqual(source.status.partitions.count, 5)
    }

    func testGroupReadsEveryMessage() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let events = try publishEvents(to: broker.bootstrapServers, count: 300, seed: 8)
        var options = KafkaSourceOptions.reading(broker.bootstrapServers, from: .earliest, untilEnd: true)
        options.groupID = "spendtop-test-group"

        let source = try KafkaSource.start(options)
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 30)

        XCTAssertEqual(messages.count, 300)
        XCTAssertEqual(Set(eventIDs(messages).compactMap { $0 }), Set(events.map(\.eventID)))
    }

    func testUnreachableBrokerShowsDownAtOnce() throws {
        // Port 1 on the loopback interface refuses connections.
        let source = try KafkaSource.start(.reading("127.0.0.1:1", from: .earliest, untilEnd: true))
        defer { source.stop() }
        let started = Date()
        XCTAssertTrue(waitFor(5) {
            if case .down = source.status.connection { return true }
            return false
        })
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        guard case .down(let text) = source.status.connection else { return }
        XCTAssertFalse(text.isEmpty)
        XCTAssertFalse(source.isAtEnd)
    }

    func testInvalidSecretPropertyIsRedacted() {
        var options = KafkaSourceOptions.reading("127.0.0.1:1", from: .latest)
        options.properties = [KafkaProperty(name: "spendtop.secret", value: "hunter2")]
        XCTAssertThrowsError(try KafkaSource(options: options)) { error in
            let message = (error as? KafkaError)?.message ?? ""
            XCTAssertTrue(message.contains("spendtop.secret=***"), message)
            XCTAssertFalse(message.contains("hunter2"), message)
        }
    }

    func testInvalidPropertyNamesTheProblem() {
        var options = KafkaSourceOptions.reading("127.0.0.1:1", from: .latest)
        options.properties = [KafkaProperty(name: "fetch.wait.max.ms", value: "soon")]
        XCTAssertThrowsError(try KafkaSource(options: options)) { error in
            XCTAssertEqual((error as? KafkaError)?.kind, .invalidProperty)
            XCTAssertTrue(String(describing: error).contains("fetch.wait.max.ms=soon"), String(describing: error))
        }
    }

    func testLogFileIsPrivateAndRedacted() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let path = NSTemporaryDirectory() + "spendtop-kafka-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = KafkaSourceOptions.reading(broker.bootstrapServers, from: .earliest, untilEnd: true)
        options.logFilePath = path
        options.properties = [KafkaProperty(name: "sasl.password", value: "hunter2"), KafkaProperty(name: "debug", value: "broker")]

        let source = try KafkaSource.start(options)
        _ = receiveUntilEnd(from: source, timeout: 10)
        source.stop()

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("sasl.password=***"), text)
        XCTAssertFalse(text.contains("hunter2"))
        XCTAssertTrue(text.contains("assigned 3 partitions"), text)
        // librdkafka's own debug lines arrive through the log callback.
        XCTAssertTrue(text.contains(" DEBUG "), text)
    }
}
