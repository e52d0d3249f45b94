import CRdKafka
import Foundation

/// A producer that sends message values to explicit partitions and counts delivery reports.
///
/// Not for concurrent use: call it from one thread at a time.
public final class KafkaProducer: @unchecked Sendable {
    private let client: ClientHandle
    /// Topic handles by name, created on first use and destroyed in `close()`.
    private var topics: [String: OpaquePointer] = [:]
    private let counts = DeliveryCounts()
    private var closed = false

    /// Counts filled in by delivery reports.
    private final class DeliveryCounts: @unchecked Sendable {
        let lock = NSLock()
        var delivered = 0
        var failed = 0
        var firstFailure: String?
    }

    /// Connects to `bootstrapServers`. `properties` come after spendtop's defaults, so they
    /// override them.
    public init(bootstrapServers: String, properties: [KafkaProperty] = [], logFile: KafkaLogFile? = nil) throws {
        let defaults = [
            KafkaProperty(name: "bootstrap.servers", value: bootstrapServers),
            KafkaProperty(name: "client.id", value: "spendtop-emit"),
            KafkaProperty(name: "linger.ms", value: "5"),
            // Messages sent without a partition are spread evenly instead of in sticky bursts.
            KafkaProperty(name: "partitioner", value: "random"),
            KafkaProperty(name: "sticky.partitioning.linger.ms", value: "0"),
        ]
        let callbacks = ClientCallbacks(logFile: logFile)
        let counts = self.counts
        callbacks.onDelivery = { code in
            counts.lock.lock()
            defer { counts.lock.unlock() }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                counts.delivered += 1
            } else {
                counts.failed += 1
                if counts.firstFailure == nil {
                    counts.firstFailure = KafkaError.text(of: code)
                }
            }
        }
        client = try ClientHandle(type: RD_KAFKA_PRODUCER, properties: defaults + properties, callbacks: callbacks)
    }

    deinit {
        close()
    }

    /// Returns the number of partitions of `topic`, read with a metadata request.
    public func partitionCount(topic: String, timeoutMs: Int32 = 10_000) throws -> Int {
        let counts = try client.partitionCounts(topics: [topic], timeoutMs: timeoutMs)
        guard let count = counts[topic] else {
            throw KafkaError(.request, "topic '\(topic)' does not exist on the broker; create it or pass another -t.")
        }
        return Int(count)
    }

    /// Queues `value` for `topic` and `partition` (nil lets the partitioner choose). When
    /// librdkafka's queue is full it waits for deliveries and tries again.
    public func send(_ value: [UInt8], topic: String, partition: Int32? = nil) throws {
        try value.withUnsafeBytes { try send($0, topic: topic, partition: partition) }
    }

    /// Queues a copy of `value` like `send(_:topic:partition:)`, for a caller that keeps many
    /// messages in one buffer.
    public func send(_ value: UnsafeRawBufferPointer, topic: String, partition: Int32? = nil) throws {
        let topicHandle = try handle(for: topic)
        while true {
            // RD_KAFKA_MSG_F_COPY: librdkafka copies the bytes, so the buffer only needs to live
            // for the duration of the call.
            let result = rd_kafka_produce(topicHandle, partition ?? RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                          UnsafeMutableRawPointer(mutating: value.baseAddress), value.count, nil, 0, nil)
            if result == 0 {
                rd_kafka_poll(client.pointer, 0)
                return
            }
            let code = rd_kafka_last_error()
            guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw KafkaError(.produce, "librdkafka could not queue a message for topic '\(topic)': \(KafkaError.text(of: code)).")
            }
            rd_kafka_poll(client.pointer, 50)
        }
    }

    /// Serves delivery reports that have arrived, without waiting.
    public func poll() {
        rd_kafka_poll(client.pointer, 0)
    }

    /// Waits up to `timeoutMs` for every queued message to be delivered or to fail.
    /// Throws when messages are still in flight at the end.
    public func flush(timeoutMs: Int32 = 30_000) throws {
        let result = rd_kafka_flush(client.pointer, timeoutMs)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let waiting = rd_kafka_outq_len(client.pointer)
            throw KafkaError(.produce, "\(waiting) messages were still undelivered after \(timeoutMs) ms; check that the broker at bootstrap.servers is up.")
        }
    }

    /// Messages the broker acknowledged so far.
    public var deliveredCount: Int {
        counts.lock.lock()
        defer { counts.lock.unlock() }
        return counts.delivered
    }

    /// Messages that failed so far, and librdkafka's text for the first failure.
    public var failures: (count: Int, firstReason: String?) {
        counts.lock.lock()
        defer { counts.lock.unlock() }
        return (counts.failed, counts.firstFailure)
    }

    /// Destroys the handle; call `flush` first, or queued messages are lost. Later calls do nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        for topicHandle in topics.values {
            rd_kafka_topic_destroy(topicHandle)
        }
        topics = [:]
        client.destroy()
    }

    private func handle(for topic: String) throws -> OpaquePointer {
        if let existing = topics[topic] { return existing }
        // Owned until close(), which destroys it before the client.
        guard let created = rd_kafka_topic_new(client.pointer, topic, nil) else {
            throw KafkaError(.produce, "librdkafka could not create a handle for topic '\(topic)': \(KafkaError.text(of: rd_kafka_last_error())).")
        }
        topics[topic] = created
        return created
    }
}
