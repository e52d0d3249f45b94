import CRdKafka
import Foundation

/// Messages that one fetch returned, read in place in librdkafka's buffers instead of copied.
///
/// The values stay valid while the batch exists. librdkafka requires every message to be
/// destroyed before its client is destroyed, so a stopped `KafkaSource` closes its client only
/// once the last of its batches is released.
public final class KafkaMessageBatch: @unchecked Sendable {
    /// Owned `rd_kafka_message_t` pointers without errors, destroyed in `deinit`.
    private let messages: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>>
    /// The topic of each message, as an index into `topicNames`.
    private let topicIndexes: [Int]
    private let topicNames: [String]
    private let leases: MessageLeases

    /// For each partition in the batch: the offset after its last message.
    let partitionEnds: [(partition: TopicPartition, nextOffset: Int64)]
    /// The sum of the value lengths, in bytes.
    let valueBytes: Int64
    /// The newest message timestamp, in milliseconds since 1970.
    let newestTimestampMs: Int64?

    /// Takes ownership of `fetched`, which must contain only messages without an error.
    /// `topicNames` caches the names of librdkafka's topic handles across batches.
    init(_ fetched: [UnsafeMutablePointer<rd_kafka_message_t>], topicNames cache: inout [OpaquePointer: String], leases: MessageLeases) {
        messages = .allocate(capacity: fetched.count)
        _ = messages.initialize(from: fetched)
        self.leases = leases
        leases.acquire()

        var names: [String] = []
        var indexes: [Int] = []
        indexes.reserveCapacity(fetched.count)
        var ends: [(partition: TopicPartition, nextOffset: Int64)] = []
        var bytes: Int64 = 0
        var newest: Int64?
        var previousHandle: OpaquePointer?
        var previousIndex = 0
        for message in fetched {
            let fields = message.pointee
            // Consecutive messages mostly share a topic, so the name lookup runs once per run of them.
            if fields.rkt != previousHandle || names.isEmpty {
                previousHandle = fields.rkt
                let name = Self.topicName(fields.rkt, cache: &cache)
                if let known = names.firstIndex(of: name) {
                    previousIndex = known
                } else {
                    names.append(name)
                    previousIndex = names.count - 1
                }
            }
            indexes.append(previousIndex)
            let partition = TopicPartition(topic: names[previousIndex], partition: fields.partition)
            if let last = ends.indices.last, ends[last].partition == partition {
                ends[last].nextOffset = max(ends[last].nextOffset, fields.offset + 1)
            } else if let known = ends.firstIndex(where: { $0.partition == partition }) {
                ends[known].nextOffset = max(ends[known].nextOffset, fields.offset + 1)
            } else {
                ends.append((partition, fields.offset + 1))
            }
            bytes += Int64(fields.len)
            var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let timestamp = rd_kafka_message_timestamp(message, &timestampType)
            if timestamp >= 0, timestamp > newest ?? Int64.min {
                newest = timestamp
            }
        }
        topicIndexes = indexes
        topicNames = names
        partitionEnds = ends
        valueBytes = bytes
        newestTimestampMs = newest
    }

    deinit {
        for message in messages {
            rd_kafka_message_destroy(message)
        }
        messages.deallocate()
        leases.release()
    }

    private static func topicName(_ handle: OpaquePointer?, cache: inout [OpaquePointer: String]) -> String {
        guard let handle else { return "" }
        if let known = cache[handle] { return known }
        let name = String(cString: rd_kafka_topic_name(handle))
        cache[handle] = name
        return name
    }

    public var count: Int { messages.count }

    public func topic(at index: Int) -> String {
        topicNames[topicIndexes[index]]
    }

    public func partition(at index: Int) -> Int32 {
        messages[index].pointee.partition
    }

    public func offset(at index: Int) -> Int64 {
        messages[index].pointee.offset
    }

    /// Returns the message timestamp in milliseconds since 1970, or nil when the message has none.
    public func timestampMs(at index: Int) -> Int64? {
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(messages[index], &timestampType)
        return timestamp >= 0 ? timestamp : nil
    }

    /// Calls `body` with the value of message `index`. The bytes are valid only during the call.
    public func withValue<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let fields = messages[index].pointee
        guard let payload = fields.payload, fields.len > 0 else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeBufferPointer(start: payload.assumingMemoryBound(to: UInt8.self), count: fields.len))
    }

    /// Returns a copy of message `index` that outlives the batch.
    public func message(at index: Int) -> KafkaMessage {
        KafkaMessage(
            topic: topic(at: index), partition: partition(at: index), offset: offset(at: index),
            timestampMs: timestampMs(at: index), value: withValue(at: index) { Array($0) }
        )
    }
}

/// Counts the message batches that exist, so a client is destroyed only after all of them.
final class MessageLeases: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var whenReleased: (() -> Void)?

    func acquire() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    func release() {
        lock.lock()
        count -= 1
        let action = count == 0 ? whenReleased : nil
        if action != nil { whenReleased = nil }
        lock.unlock()
        action?()
    }

    /// Runs `action` now when no batch exists, else on the thread that releases the last one.
    func whenAllReleased(_ action: @escaping () -> Void) {
        lock.lock()
        guard count > 0 else {
            lock.unlock()
            action()
            return
        }
        whenReleased = action
        lock.unlock()
    }
}
