import Foundation
import SpendDashboard
import SpendKafka

/// A Kafka source as a dashboard feed: batches of messages, and status for the header.
final class KafkaFeed: MessageFeed, @unchecked Sendable {
    let source: KafkaSource
    let options: KafkaSourceOptions
    /// With `--until-end` the feed ends at the high watermarks read at start.
    var isFinite: Bool { options.untilEnd }

    init(options: KafkaSourceOptions) throws {
        self.options = options
        do {
            source = try KafkaSource.start(options)
        } catch let error as KafkaError {
            throw RuntimeFailure(message: error.message)
        }
    }

    func nextBatch(timeout: Double) -> FeedBatch? {
        let batches = source.drainBatches(waitingUpTo: timeout)
        if batches.isEmpty, options.untilEnd, source.isAtEnd {
            // One more look: the fetch thread may have queued the last batch as the end was seen.
            let rest = source.drainBatches(waitingUpTo: 0)
            return rest.isEmpty ? nil : .kafka(rest)
        }
        return .kafka(batches)
    }

    func freshness() -> SourceFreshness {
        let status = source.status
        var freshness = SourceFreshness()
        switch status.connection {
        case .connected:
            freshness.connection = "connected"
            freshness.health = status.missingTopics.isEmpty ? .connected : .degraded
        case .connecting:
            freshness.connection = "connecting to \(brokerText)"
            freshness.health = .degraded
        case .down(let text):
            freshness.connection = "connecting to \(brokerText): \(text)"
            freshness.health = .disconnected
        }
        if let message = status.missingTopicsMessage {
            freshness.connection += "; " + message
        }
        freshness.lag = status.totalLag
        freshness.description = "\(brokerText), topic \(options.effectiveTopics.joined(separator: ","))"
        freshness.offsets = status.partitions
            .map { "\($0.topic)/\($0.partition)@\($0.position.map(String.init) ?? "-")" }
            .joined(separator: " ")
        return freshness
    }

    private var brokerText: String {
        options.brokers ?? options.properties.value(of: "bootstrap.servers") ?? "?"
    }

    func stop() {
        source.stop()
    }
}
