import CRdKafka
import Foundation

/// A Kafka cluster inside this process: librdkafka's mock cluster, listening on 127.0.0.1.
///
/// It speaks the real Kafka protocol over TCP, so any client (kcat, another spendtop process)
/// can use it through `bootstrapServers`. Limits of the mock cluster in librdkafka 2.0.2: it keeps
/// at most 5 MiB (and 100,000 message sets) per partition and drops the oldest, about 5,500
/// events of 870 bytes; it has no SASL; it returns -1 for every offsets-for-times lookup; and it
/// cannot add partitions to a topic that exists. It serves live tails, demos and tests, not long
/// replays.
public final class EmbeddedBroker: @unchecked Sendable {
    /// The bootstrap address, such as `127.0.0.1:41234`; the port is chosen by the system.
    public let bootstrapServers: String
    public let brokerCount: Int

    /// The producer handle that owns the mock cluster; librdkafka needs one for bookkeeping.
    private let client: ClientHandle
    /// The `rd_kafka_mock_cluster_t`, owned by this object and destroyed by `stop()`.
    private let cluster: OpaquePointer
    private let lock = NSLock()
    private var stopped = false

    /// Starts a cluster of `brokerCount` brokers and creates `topics` (name to partition count).
    public init(brokerCount: Int = 1, topics: [String: Int] = [KafkaSourceOptions.defaultTopic: 3], logFile: KafkaLogFile? = nil) throws {
        guard brokerCount >= 1 else {
            throw KafkaError(.embeddedBroker, "the embedded broker needs at least 1 broker, not \(brokerCount).")
        }
        let client = try ClientHandle(type: RD_KAFKA_PRODUCER, properties: [KafkaProperty(name: "client.id", value: "spendtop-embedded-broker")], callbacks: ClientCallbacks(logFile: logFile))
        guard let cluster = rd_kafka_mock_cluster_new(client.pointer, Int32(brokerCount)) else {
            client.destroy()
            throw KafkaError(.embeddedBroker, "librdkafka could not start the mock cluster; see the log file for its reason.")
        }
        self.client = client
        self.cluster = cluster
        self.brokerCount = brokerCount
        // The string belongs to the cluster, so it is copied.
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))

        for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            try createTopic(name, partitions: partitions)
        }
    }

    deinit {
        stop()
    }

    /// Creates a topic with `partitions` partitions and replication factor 1.
    public func createTopic(_ name: String, partitions: Int) throws {
        guard partitions >= 1 else {
            throw KafkaError(.embeddedBroker, "topic '\(name)' needs at least 1 partition, not \(partitions).")
        }
        let result = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.embeddedBroker, "the embedded broker could not create topic '\(name)': \(KafkaError.text(of: result)).")
        }
    }

    /// Takes every broker down (closing client connections and refusing new ones) or brings
    /// them back up. Partition leadership does not change.
    public func setBrokerDown(_ down: Bool) throws {
        for brokerID in 1...Int32(brokerCount) {
            let result = down ? rd_kafka_mock_broker_set_down(cluster, brokerID) : rd_kafka_mock_broker_set_up(cluster, brokerID)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(.embeddedBroker, "the embedded broker could not set broker \(brokerID) \(down ? "down" : "up"): \(KafkaError.text(of: result)).")
            }
        }
    }

    /// Delays every broker's responses by `milliseconds`, as a slow network would.
    public func setRoundTripTime(milliseconds: Int) throws {
        for brokerID in 1...Int32(brokerCount) {
            let result = rd_kafka_mock_broker_set_rtt(cluster, brokerID, Int32(clamping: milliseconds))
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(.embeddedBroker, "the embedded broker could not set the round-trip time of broker \(brokerID): \(KafkaError.text(of: result)).")
            }
        }
    }

    /// Makes the next `errors.count` requests of type `request` fail, in order, with these codes.
    /// `KafkaErrorCode.transport` closes the connection instead of responding.
    public func injectErrors(_ errors: [KafkaErrorCode], into request: KafkaRequestType) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        rd_kafka_mock_push_request_errors_array(cluster, request.rawValue, codes.count, &codes)
    }

    /// Removes the errors still queued for `request`.
    public func clearInjectedErrors(for request: KafkaRequestType) {
        rd_kafka_mock_clear_request_errors(cluster, request.rawValue)
    }

    /// Stops the cluster and closes its sockets. Later calls do nothing.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        rd_kafka_mock_cluster_destroy(cluster)
        client.destroy()
    }
}
