import Foundation
import SpendEvents
import SpendKafka
import XCTest

/// Publishes `count` synthetic events round-robin over `partitions` and returns them.
func publishEvents(to bootstrapServers: String, topic: String = KafkaSourceOptions.defaultTopic, partitions: Int = 3,
                   count: Int, seed: UInt64) throws -> [SyntheticEvent] {
    let producer = try KafkaProducer(bootstrapServers: bootstrapServers)
    defer { producer.close() }
    var traffic = SyntheticTraffic(seed: seed)
    var events: [SyntheticEvent] = []
    for index in 0..<count {
        let event = traffic.nextEvent(at: Int64(Date().timeIntervalSince1970 * 1000))
        try producer.send(event.json, topic: topic, partition: Int32(index % partitions))
        events.append(event)
    }
    try producer.flush()
    XCTAssertEqual(producer.failures.count, 0, "delivery failures: \(producer.failures.firstReason ?? "")")
    return events
}

/// Drains `source` until `count` messages have arrived or `timeout` seconds pass.
func receive(_ count: Int, from source: KafkaSource, timeout: Double) -> [KafkaMessage] {
    var messages: [KafkaMessage] = []
    let deadline = Date().addingTimeInterval(timeout)
    while messages.count < count && Date() < deadline {
        messages += source.drain(waitingUpTo: 0.2)
    }
    return messages
}

/// Drains `source` until it reports `isAtEnd` and nothing is queued, or `timeout` seconds pass.
func receiveUntilEnd(from source: KafkaSource, timeout: Double) -> [KafkaMessage] {
    var messages: [KafkaMessage] = []
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let atEnd = source.isAtEnd
        let batch = source.drain(waitingUpTo: 0.1)
        messages += batch
        if atEnd && batch.isEmpty { break }
    }
    return messages
}

/// Waits up to `timeout` seconds for `condition` to hold, checking every 50 ms.
func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}

/// Returns the `event_id` of each message value, nil for a value without one.
func eventIDs(_ messages: [KafkaMessage]) -> [String?] {
    messages.map { message in
        (try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any])?["event_id"] as? String
    }
}

/// Sums the `data.cost_estimate_usd` values of the messages in micro-dollars.
func spend(_ messages: [KafkaMessage]) -> Money {
    var total = Money.zero
    for message in messages {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
              let payload = object["data"] as? [String: Any],
              let cost = payload["cost_estimate_usd"] as? NSNumber else { continue }
        // Costs are written with at most six decimals, so rounding to micro-dollars is exact.
        total += Money(micros: Int64((cost.doubleValue * 1_000_000).rounded()))
    }
    return total
}

extension KafkaSourceOptions {
    /// Options reading the default topic of `broker` from `start`.
    static func reading(_ bootstrapServers: String, from start: KafkaStartPosition, untilEnd: Bool = false) -> KafkaSourceOptions {
        var options = KafkaSourceOptions()
        options.brokers = bootstrapServers
        options.startPosition = start
        options.untilEnd = untilEnd
        return options
    }
}
