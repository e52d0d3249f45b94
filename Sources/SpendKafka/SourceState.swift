import Foundation

/// The state a `KafkaSource` shares between its threads and callers, behind one condition lock.
final class SourceState: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var queued: [KafkaMessageBatch] = []
    /// Messages in `queued`.
    private var queuedCount = 0

    private var connection: KafkaSourceStatus.Connection = .connecting
    /// An authentication or TLS failure, kept until a broker responds, because librdkafka follows
    /// it with "1/1 brokers are down", which would hide the cause.
    private var persistentProblem: String?
    private var missingTopics: [String] = []
    /// Assigned partitions in assignment order, with the next offset to deliver and the high watermark.
    private var order: [TopicPartition] = []
    private var positions: [TopicPartition: Int64] = [:]
    private var highWatermarks: [TopicPartition: Int64] = [:]
    /// With `untilEnd`: the high watermarks read at start, which the positions must reach.
    private var ends: [TopicPartition: Int64] = [:]
    private var endsRecorded = false

    private var delivered: Int64 = 0
    private var deliveredBytes: Int64 = 0
    private var newestTimestampMs: Int64?
    private var lastRateSample: (time: Date, messages: Int64, bytes: Int64) = (Date(), 0, 0)
    private var messagesPerSecond = 0.0
    private var bytesPerSecond = 0.0

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    func requestStop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Messages

    /// Queues a batch, first waiting while `limit` messages are queued (or until stop).
    func append(_ batch: KafkaMessageBatch, limit: Int) {
        condition.lock()
        defer { condition.unlock() }
        while queuedCount >= limit && !stopping {
            _ = condition.wait(until: Date().addingTimeInterval(0.1))
        }
        queued.append(batch)
        queuedCount += batch.count
        for (partition, nextOffset) in batch.partitionEnds {
            positions[partition] = max(positions[partition] ?? 0, nextOffset)
        }
        deliveredBytes += batch.valueBytes
        if let timestamp = batch.newestTimestampMs, timestamp > newestTimestampMs ?? Int64.min {
            newestTimestampMs = timestamp
        }
        delivered += Int64(batch.count)
        connection = .connected
        persistentProblem = nil
        condition.broadcast()
    }

    /// Removes and returns the queued batches, first waiting until `deadline` while none is queued.
    func takeBatches(waitingUntil deadline: Date) -> [KafkaMessageBatch] {
        condition.lock()
        defer { condition.unlock() }
        while queued.isEmpty && !stopping {
            if !condition.wait(until: deadline) { break }
        }
        let taken = queued
        queued = []
        queuedCount = 0
        condition.broadcast()
        return taken
    }

    /// Releases the queued batches without delivering them.
    func dropQueued() {
        condition.lock()
        queued = []
        queuedCount = 0
        condition.unlock()
    }

    // MARK: Partitions

    /// Records assigned partitions with their start offset (nil when a group decides it) and
    /// high watermark. With `recordEnds`, that watermark is also the end for `untilEnd`.
    func addPartitions(_ added: [(TopicPartition, Int64?, Int64)], recordEnds: Bool) {
        condition.lock()
        defer { condition.unlock() }
        for (partition, start, high) in added {
            if positions[partition] == nil && highWatermarks[partition] == nil {
                order.append(partition)
            }
            if let start { positions[partition] = start }
            highWatermarks[partition] = high
            if recordEnds { ends[partition] = high }
        }
        if recordEnds { endsRecorded = true }
    }

    func knownPartitions() -> Set<TopicPartition> {
        condition.lock()
        defer { condition.unlock() }
        return Set(order)
    }

    func setHighWatermark(_ high: Int64, for partition: TopicPartition) {
        condition.lock()
        highWatermarks[partition] = high
        condition.unlock()
    }

    func reachedEnds() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard endsRecorded else { return false }
        return ends.allSatisfy { partition, end in
            // A partition without messages at start (end 0) is at its end even with no position.
            (positions[partition] ?? 0) >= end
        }
    }

    func setMissingTopics(_ topics: [String]) {
        condition.lock()
        missingTopics = topics
        condition.unlock()
    }

    // MARK: Connection

    /// Records librdkafka's report that the brokers cannot be reached. A `persistent` reason
    /// (authentication or TLS) is shown instead of later reasons until a broker responds.
    func markDown(_ reason: String, persistent: Bool = false) {
        condition.lock()
        if persistent {
            persistentProblem = reason
        }
        connection = .down(persistentProblem ?? reason)
        condition.unlock()
    }

    /// Records a successful response from a broker.
    func markAnswered() {
        condition.lock()
        connection = .connected
        persistentProblem = nil
        condition.unlock()
    }

    /// Applies the statistics' view. A connection in state UP means connected. No such connection
    /// means a lost connection, shown as connecting unless an error report already set down.
    func observeBrokers(anyUp: Bool) {
        condition.lock()
        defer { condition.unlock() }
        if anyUp {
            connection = .connected
            persistentProblem = nil
        } else if connection == .connected {
            connection = .connecting
        }
    }

    // MARK: Status

    func updateRates(now: Date) {
        condition.lock()
        defer { condition.unlock() }
        let elapsed = now.timeIntervalSince(lastRateSample.time)
        guard elapsed > 0 else { return }
        messagesPerSecond = Double(delivered - lastRateSample.messages) / elapsed
        bytesPerSecond = Double(deliveredBytes - lastRateSample.bytes) / elapsed
        lastRateSample = (now, delivered, deliveredBytes)
    }

    func snapshot() -> KafkaSourceStatus {
        condition.lock()
        defer { condition.unlock() }
        var status = KafkaSourceStatus()
        status.connection = connection
        status.partitions = order.map { partition in
            KafkaSourceStatus.Partition(topic: partition.topic, partition: partition.partition,
                                        position: positions[partition], highWatermark: highWatermarks[partition])
        }
        status.messagesPerSecond = messagesPerSecond
        status.bytesPerSecond = bytesPerSecond
        status.newestMessageTimestampMs = newestTimestampMs
        status.messagesDelivered = delivered
        status.missingTopics = missingTopics
        return status
    }
}
