import Foundation
import SpendEvents
import SpendKafka
import XCTest

/// Broker faults injected through librdkafka's mock API while a source reads.
final class KafkaFaultTests: XCTestCase {
    private func isDown(_ connection: KafkaSourceStatus.Connection) -> Bool {
        if case .down = connection { return true }
        return false
    }

    func testBrokerOutageLosesAndRepeatsNothing() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let before = try publishEvents(to: broker.bootstrapServers, count: 1500, seed: 31)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest))
        defer { source.stop() }
        var messages = receive(1500, from: source, timeout: 20)
        XCTAssertEqual(messages.count, 1500)
        XCTAssertEqual(source.status.connection, .connected)

        try broker.setBrokerDown(true)
        XCTAssertTrue(waitFor(10) { self.isDown(source.status.connection) }, "status during the outage: \(source.status.connection)")
        Thread.sleep(forTimeInterval: 3)
        XCTAssertTrue(isDown(source.status.connection), "status 3 s into the outage: \(source.status.connection)")
        guard case .down(let text) = source.status.connection else { return }
        XCTAssertFalse(text.isEmpty)
        messages += source.drain()

        try broker.setBrokerDown(false)
        let after = try publishEvents(to: broker.bootstrapServers, count: 1500, seed: 32)
        messages += receive(1500, from: source, timeout: 30)
        // Anything delivered twice would arrive now.
        messages += source.drain(waitingUpTo: 2)

        let ids = eventIDs(messages).compactMap { $0 }
        XCTAssertEqual(messages.count, 3000)
        XCTAssertEqual(Set(ids).count, 3000)
        XCTAssertEqual(Set(ids), Set((before + after).map(\.eventID)))
        XCTAssertTrue(waitFor(5) { source.status.connection == .connected }, "status after the outage: \(source.status.connection)")
    }

    func testFetchErrorsLoseAndRepeatNothing() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let before = try publishEvents(to: broker.bootstrapServers, count: 1000, seed: 41)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest))
        defer { source.stop() }
        var messages = receive(200, from: source, timeout: 20)

        broker.injectErrors([.transport, .notLeaderForPartition, .requestTimedOut, .transport, .leaderNotAvailable], into: .fetch)
        let after = try publishEvents(to: broker.bootstrapServers, count: 1000, seed: 42)
        messages += receive(2000 - messages.count, from: source, timeout: 30)
        messages += source.drain(waitingUpTo: 2)

        let ids = eventIDs(messages).compactMap { $0 }
        XCTAssertEqual(messages.count, 2000)
        XCTAssertEqual(Set(ids), Set((before + after).map(\.eventID)))
        XCTAssertEqual(spend(messages), (before + after).reduce(Money.zero) { $0 + $1.cost })
        XCTAssertEqual(source.status.connection, .connected)
    }

    func testListOffsetsErrorsDelayStartOnly() throws {
        let broker = try EmbeddedBroker()
        defer { broker.stop() }
        let events = try publishEvents(to: broker.bootstrapServers, count: 300, seed: 51)
        broker.injectErrors([.transport, .requestTimedOut, .notLeaderForPartition], into: .listOffsets)

        let source = try KafkaSource.start(.reading(broker.bootstrapServers, from: .earliest, untilEnd: true))
        defer { source.stop() }
        let messages = receiveUntilEnd(from: source, timeout: 30)

        XCTAssertEqual(messages.count, 300)
        XCTAssertEqual(Set(eventIDs(messages).compactMap { $0 }), Set(events.map(\.eventID)))
    }
}
