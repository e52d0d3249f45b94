import Foundation
@testable import SpendKafka
import XCTest

/// Metadata and connection handling that the embedded broker cannot drive end to end.
///
/// librdkafka 2.0.2's mock cluster cannot add partitions to a topic, and it creates any topic
/// named in a metadata request (with 4 partitions, even with `allow.auto.create.topics=false`), so
/// a topic is never missing there. Both are checked here on the functions the source calls.
final class KafkaMetadataTests: XCTestCase {
    private let topic = "costs"

    func testAddedPartitionsAreTheUnassignedOnes() {
        let assigned: Set<TopicPartition> = [
            TopicPartition(topic: topic, partition: 0),
            TopicPartition(topic: topic, partition: 1),
        ]
        let added = KafkaSource.addedPartitions(reported: [topic: 4, "other": 1], assigned: assigned)
        XCTAssertEqual(added, [
            TopicPartition(topic: topic, partition: 2),
            TopicPartition(topic: topic, partition: 3),
            TopicPartition(topic: "other", partition: 0),
        ].sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) })
    }

    func testUnchangedMetadataAddsNothing() {
        let assigned: Set<TopicPartition> = [TopicPartition(topic: topic, partition: 0), TopicPartition(topic: topic, partition: 1)]
        XCTAssertEqual(KafkaSource.addedPartitions(reported: [topic: 2], assigned: assigned), [])
    }

    func testShrunkTopicAddsNothing() {
        let assigned: Set<TopicPartition> = [TopicPartition(topic: topic, partition: 0), TopicPartition(topic: topic, partition: 1)]
        XCTAssertEqual(KafkaSource.addedPartitions(reported: [topic: 1], assigned: assigned), [])
    }

    func testMissingTopicsKeepRequestOrder() {
        XCTAssertEqual(KafkaSource.missingTopics(requested: ["b", "a", "c"], reported: ["a": 3]), ["b", "c"])
        XCTAssertEqual(KafkaSource.missingTopics(requested: ["a"], reported: ["a": 3]), [])
    }

    func testMissingTopicStatusNamesTheTopic() {
        let state = SourceState()
        state.markAnswered()
        state.setMissingTopics(KafkaSource.missingTopics(requested: ["costs", "costs.v2"], reported: ["costs": 3]))
        let status = state.snapshot()
        XCTAssertEqual(status.connection, .connected)
        XCTAssertEqual(status.missingTopics, ["costs.v2"])
        XCTAssertEqual(status.missingTopicsMessage, "topic 'costs.v2' not found on the broker; check the name passed to -t")

        state.setMissingTopics([])
        XCTAssertNil(state.snapshot().missingTopicsMessage)
    }

    func testAuthenticationProblemOutlastsLaterErrors() {
        let state = SourceState()
        state.markDown("authentication failed: SASL Handshake not supported", persistent: true)
        state.markDown("1/1 brokers are down")
        XCTAssertEqual(state.snapshot().connection, .down("authentication failed: SASL Handshake not supported"))

        state.markAnswered()
        state.markDown("1/1 brokers are down")
        XCTAssertEqual(state.snapshot().connection, .down("1/1 brokers are down"))
    }

    func testAuthenticationFailureNamesTheProperties() {
        let reason = "sasl_plaintext://127.0.0.1:9092/bootstrap: Failed to initialize SASL authentication: "
            + "SASL Handshake not supported by broker (required by mechanism PLAIN) (after 0ms in state AUTH_LEGACY)"
        let text = ConnectionProblem.text(reason: reason, kind: .authentication)
        XCTAssertTrue(text.hasPrefix("authentication failed: Failed to initialize SASL authentication"), text)
        XCTAssertTrue(text.contains("SASL Handshake not supported by broker (required by mechanism PLAIN);"), text)
        for property in ["security.protocol", "sasl.mechanisms", "sasl.username", "sasl.password"] {
            XCTAssertTrue(text.contains(property), "\(property) missing from: \(text)")
        }
        XCTAssertFalse(text.contains("after 0ms"), text)
    }

    func testConnectionTextDropsBrokerNames() {
        let reason = "GroupCoordinator: 127.0.0.1:40000: Connect to ipv4#127.0.0.1:40000 failed: Connection refused "
            + "(after 0ms in state CONNECT, 1 identical error(s) suppressed)"
        XCTAssertEqual(ConnectionProblem.shorten(reason), "Connect to ipv4#127.0.0.1:40000 failed: Connection refused")
        XCTAssertEqual(ConnectionProblem.shorten("1/1 brokers are down"), "1/1 brokers are down")
    }

    func testSecretMaskReplacesValues() {
        let mask = SecretMask([
            KafkaProperty(name: "sasl.password", value: "hunter2-secret"),
            KafkaProperty(name: "ssl.key.password", value: "key-pass-9"),
            KafkaProperty(name: "sasl.username", value: "alice"),
        ])
        XCTAssertEqual(mask.apply("login alice:hunter2-secret with key-pass-9"), "login alice:*** with ***")
    }
}
