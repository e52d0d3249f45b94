import CRdKafka
import Foundation

/// A Kafka consumer that reads cost-tracking topics on its own threads and hands over messages
/// in batches.
///
/// Without a group it assigns itself every partition of the topics, commits nothing and picks up
/// partitions added later (by re-reading metadata every `partitionRefreshSeconds`). With a group
/// it subscribes and lets the group coordinator assign partitions.
///
/// Two threads run per source, outside the Swift concurrency pool: one serves librdkafka's
/// callbacks (errors and statistics, which drive `status.connection`), and one fetches batches with
/// `rd_kafka_consume_batch_queue` and appends them to a queue that `drainBatches` and `drain`
/// empty. When the queue contains `maximumQueuedMessages`, the fetching thread waits, and
/// librdkafka stops fetching once its own buffer fills.
public final class KafkaSource: @unchecked Sendable {
    public let options: KafkaSourceOptions
    /// The queued-message count at which the fetching thread waits for `drain`.
    public let maximumQueuedMessages: Int
    /// The `fetch.max.bytes` a source sets unless its properties give another.
    public static let defaultFetchMaxBytes = 4 * 1024 * 1024

    private let client: ClientHandle
    private let logFile: KafkaLogFile?
    private let state = SourceState()
    /// The consumer queue (`rd_kafka_queue_t`), owned by this object and destroyed in `stop()`.
    private let consumerQueue: OpaquePointer
    private let threadsFinished = DispatchGroup()
    /// The batches that exist; the client is closed after the last one is released.
    private let leases = MessageLeases()
    private let lifecycleLock = NSLock()
    private var started = false
    private var stopped = false

    /// Creates the client; nothing connects until `start()`. Throws for an invalid property or an
    /// unwritable log file.
    public init(options: KafkaSourceOptions, maximumQueuedMessages: Int = 100_000) throws {
        self.options = options
        self.maximumQueuedMessages = max(1, maximumQueuedMessages)
        let mask = SecretMask(options.properties)
        let logFile = try options.logFilePath.map { try KafkaLogFile(path: $0, mask: mask) }
        self.logFile = logFile

        var properties = [
            KafkaProperty(name: "client.id", value: "spendtop"),
            // Statistics every second tell whether a broker connection is up.
            KafkaProperty(name: "statistics.interval.ms", value: "1000"),
            // When retention removes messages before they are read, continue at the oldest left.
            KafkaProperty(name: "auto.offset.reset", value: options.startPosition == .latest ? "latest" : "earliest"),
            KafkaProperty(name: "enable.partition.eof", value: "false"),
            // Reconnect within a second of a broker's return rather than librdkafka's default of
            // up to 10 s, so a consumer catches up before a small retention drops the backlog.
            KafkaProperty(name: "reconnect.backoff.ms", value: "100"),
            KafkaProperty(name: "reconnect.backoff.max.ms", value: "1000"),
            // Fetch responses of at most 4 MiB instead of librdkafka's 50 MB: reading a backlog
            // from the embedded broker, the source alone ran two to three times as fast with them
            // (`spendtop bench`, figures in BENCHMARKS.md). librdkafka keeps one fetch in flight
            // per broker, so a link with 50 ms round trips then carries at most about 80 MB/s.
            // Raise it with -X fetch.max.bytes for such links.
            KafkaProperty(name: "fetch.max.bytes", value: String(Self.defaultFetchMaxBytes)),
        ]
        if let groupID = options.groupID {
            properties.append(KafkaProperty(name: "group.id", value: groupID))
        } else {
            // librdkafka gives a consumer queue and rd_kafka_assign only to a handle with a
            // group id. This one is unique and never joined (no subscribe), and nothing is
            // committed, so watching never moves a production group's offsets.
            properties.append(KafkaProperty(name: "group.id", value: "spendtop-watch-\(UUID().uuidString.lowercased())"))
            properties.append(KafkaProperty(name: "enable.auto.commit", value: "false"))
            properties.append(KafkaProperty(name: "enable.auto.offset.store", value: "false"))
        }
        if let brokers = options.brokers {
            properties.append(KafkaProperty(name: "bootstrap.servers", value: brokers))
        }
        properties += options.properties

        let callbacks = ClientCallbacks(logFile: logFile)
        let state = self.state
        callbacks.onError = { code, reason in
            logFile?.write(severity: "ERROR", facility: "spendtop", message: "librdkafka error \(KafkaError.text(of: code)): \(reason)")
            if Self.isConnectionFailure(code) {
                let kind = ConnectionProblem.kind(of: code)
                state.markDown(mask.apply(ConnectionProblem.text(reason: reason, kind: kind)), persistent: kind != .other)
            }
        }
        callbacks.onStatistics = { json in
            if let anyBrokerUp = Self.anyBrokerUp(statisticsJSON: json) {
                state.observeBrokers(anyUp: anyBrokerUp)
            }
        }
        client = try ClientHandle(type: RD_KAFKA_CONSUMER, properties: properties, callbacks: callbacks)
        // The consumer queue is a new reference that must be destroyed before the client.
        guard let queue = rd_kafka_queue_get_consumer(client.pointer) else {
            client.destroy()
            throw KafkaError(.clientCreation, "librdkafka created the consumer without a consumer queue.")
        }
        consumerQueue = queue
        logFile?.write(severity: "INFO", facility: "spendtop", message: "consumer created: \(options.redactedDescription)")
    }

    deinit {
        stop()
    }

    /// Creates a source and starts it.
    public static func start(_ options: KafkaSourceOptions) throws -> KafkaSource {
        let source = try KafkaSource(options: options)
        source.start()
        return source
    }

    /// Starts the callback and fetching threads and returns at once. Connection problems show in
    /// `status.connection` as soon as librdkafka reports them. The threads keep the source alive
    /// until `stop()` is called.
    public func start() {
        lifecycleLock.lock()
        defer { lifecycleLock.unlock() }
        guard !started, !stopped else { return }
        started = true

        threadsFinished.enter()
        let callbackThread = Thread { [self] in
            while !state.isStopping {
                rd_kafka_poll(client.pointer, 200)
            }
            threadsFinished.leave()
        }
        callbackThread.name = "spendtop.kafka.callbacks"
        callbackThread.start()

        threadsFinished.enter()
        let fetchThread = Thread { [self] in
            runFetchLoop()
            threadsFinished.leave()
        }
        fetchThread.name = "spendtop.kafka.fetch"
        fetchThread.start()
    }

    /// Removes and returns the queued batches, in order per partition, with the values still in
    /// librdkafka's buffers. Waits up to `timeout` seconds for the first one when none is queued;
    /// returns an empty array on timeout or stop.
    ///
    /// Release the batches soon: the source's memory grows with those held, and after `stop()` the
    /// client is closed only once the last one is released.
    public func drainBatches(waitingUpTo timeout: Double = 0) -> [KafkaMessageBatch] {
        state.takeBatches(waitingUntil: Date().addingTimeInterval(timeout))
    }

    /// Removes and returns copies of the queued messages, like `drainBatches` but with each value
    /// copied into an array.
    public func drain(waitingUpTo timeout: Double = 0) -> [KafkaMessage] {
        drainBatches(waitingUpTo: timeout).flatMap { batch in
            (0..<batch.count).map { batch.message(at: $0) }
        }
    }

    /// The connection, partitions with lag, and throughput at this moment.
    public var status: KafkaSourceStatus {
        state.snapshot()
    }

    /// With `untilEnd`: whether every partition assigned at start has been read up to the high
    /// watermark it had at start. Messages may still be queued; drain until empty after this.
    /// Always false without `untilEnd`.
    public var isAtEnd: Bool {
        options.untilEnd && state.reachedEnds()
    }

    /// The time a caller should drop older events by, for a time start position (see
    /// `KafkaSourceOptions.requestedStartTimeMs`).
    public var requestedStartTimeMs: Int64? {
        options.requestedStartTimeMs
    }

    /// Stops both threads, closes the consumer and destroys the client. Later calls do nothing.
    ///
    /// When a caller still holds batches from `drainBatches`, the client is closed and destroyed
    /// on the thread that releases the last of them, after this returns.
    public func stop() {
        lifecycleLock.lock()
        defer { lifecycleLock.unlock() }
        guard !stopped else { return }
        stopped = true
        state.requestStop()
        if started {
            // Both threads wait in librdkafka for up to 200 ms; yielding their queues returns
            // them at once, so stopping does not wait for those timeouts.
            rd_kafka_queue_yield(consumerQueue)
            if let mainQueue = rd_kafka_queue_get_main(client.pointer) {
                rd_kafka_queue_yield(mainQueue)
                rd_kafka_queue_destroy(mainQueue)
            }
            threadsFinished.wait()
        }
        state.dropQueued()
        let (client, consumerQueue, logFile) = (self.client, self.consumerQueue, self.logFile)
        leases.whenAllReleased {
            rd_kafka_queue_destroy(consumerQueue)
            // With a group this leaves it; without one it only releases the assignment.
            rd_kafka_consumer_close(client.pointer)
            client.destroy()
            logFile?.write(severity: "INFO", facility: "spendtop", message: "consumer stopped")
        }
    }

    // MARK: - Fetching thread

    private func runFetchLoop() {
        guard assignAtStart() else { return }

        // librdkafka fills this array with message pointers. The messages without an error move
        // into a KafkaMessageBatch, which destroys them; the array is freed when the loop ends.
        let batchCapacity = 1000
        let batch = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: batchCapacity)
        defer { batch.deallocate() }
        var fetched: [UnsafeMutablePointer<rd_kafka_message_t>] = []
        fetched.reserveCapacity(batchCapacity)

        var topicNames: [OpaquePointer: String] = [:]
        var nextTick = Date().addingTimeInterval(1)
        var nextPartitionRefresh = Date().addingTimeInterval(options.partitionRefreshSeconds)

        while !state.isStopping {
            let count = rd_kafka_consume_batch_queue(consumerQueue, 100, batch, batchCapacity)
            if count < 0 {
                log("consume failed: \(KafkaError.text(of: rd_kafka_last_error()))")
            }
            fetched.removeAll(keepingCapacity: true)
            for index in 0..<max(0, count) {
                guard let message = batch[index] else { continue }
                if isDeliverable(message) {
                    fetched.append(message)
                } else {
                    rd_kafka_message_destroy(message)
                }
            }
            if !fetched.isEmpty {
                state.append(KafkaMessageBatch(fetched, topicNames: &topicNames, leases: leases), limit: maximumQueuedMessages)
            }

            let now = Date()
            if now >= nextTick {
                nextTick = now.addingTimeInterval(1)
                refreshHighWatermarks()
                state.updateRates(now: now)
            }
            if options.groupID == nil, now >= nextPartitionRefresh {
                nextPartitionRefresh = now.addingTimeInterval(options.partitionRefreshSeconds)
                assignAddedPartitions()
            }
        }
    }

    /// Returns whether a fetched message carries a value rather than an error, and logs the error.
    private func isDeliverable(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> Bool {
        let fields = message.pointee
        guard fields.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if fields.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                // rd_kafka_message_errstr returns a string owned by the message.
                log("fetch error on partition \(fields.partition): \(String(cString: rd_kafka_message_errstr(message)))")
            }
            return false
        }
        return true
    }

    // MARK: - Assignment

    /// Finds the partitions, resolves the start offsets and assigns them (or subscribes with a
    /// group). Retries until it succeeds; returns false when stopped first.
    private func assignAtStart() -> Bool {
        var partitionCounts: [String: Int32] = [:]
        while !state.isStopping {
            do {
                partitionCounts = try client.partitionCounts(topics: options.effectiveTopics, timeoutMs: 2000)
            } catch {
                log("\(error)")
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            state.markAnswered()
            state.setMissingTopics(Self.missingTopics(requested: options.effectiveTopics, reported: partitionCounts))
            if !partitionCounts.isEmpty { break }
            Thread.sleep(forTimeInterval: 1)
        }
        guard !state.isStopping else { return false }

        let partitions = partitionCounts.sorted { $0.key < $1.key }.flatMap { topic, count in
            (0..<count).map { TopicPartition(topic: topic, partition: $0) }
        }
        if let groupID = options.groupID {
            return subscribe(groupID: groupID, partitions: partitions)
        }
        return assign(partitions, startPosition: options.startPosition, recordEnds: options.untilEnd)
    }

    /// Assigns `partitions` at offsets resolved from `startPosition`, after reading their
    /// watermarks. Returns false when stopped first.
    private func assign(_ partitions: [TopicPartition], startPosition: KafkaStartPosition, recordEnds: Bool) -> Bool {
        guard let watermarks = queryWatermarks(partitions) else { return false }
        var offsets: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let (low, high) = watermarks[partition]!
            switch startPosition {
            case .earliest: offsets[partition] = low
            case .latest: offsets[partition] = high
            case .time: offsets[partition] = low
            }
        }
        if case .time(let milliseconds) = startPosition {
            for (partition, offset) in lookUpOffsets(partitions, timeMs: milliseconds) {
                offsets[partition] = offset
            }
        }

        // The list is owned here and destroyed by the defer; rd_kafka_incremental_assign copies it.
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            element.pointee.offset = offsets[partition]!
        }
        // The returned error object, if any, is ours to destroy.
        if let error = rd_kafka_incremental_assign(client.pointer, list) {
            defer { rd_kafka_error_destroy(error) }
            log("assigning partitions failed: \(String(cString: rd_kafka_error_string(error)))")
            return false
        }
        state.addPartitions(partitions.map { ($0, offsets[$0]!, watermarks[$0]!.high) }, recordEnds: recordEnds)
        log("assigned \(partitions.count) partitions: " + partitions.map { "\($0.topic)/\($0.partition)@\(offsets[$0]!)" }.joined(separator: " "))
        return true
    }

    /// Joins `groupID`. The start position becomes `auto.offset.reset` for partitions without a
    /// committed offset, and the ends for `untilEnd` are the high watermarks of every partition.
    private func subscribe(groupID: String, partitions: [TopicPartition]) -> Bool {
        if options.untilEnd {
            guard let watermarks = queryWatermarks(partitions) else { return false }
            state.addPartitions(partitions.map { ($0, nil, watermarks[$0]!.high) }, recordEnds: true)
        }
        // The list is owned here and destroyed by the defer; rd_kafka_subscribe copies it.
        let list = rd_kafka_topic_partition_list_new(Int32(options.effectiveTopics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in options.effectiveTopics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let result = rd_kafka_subscribe(client.pointer, list)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            log("subscribing to group '\(groupID)' failed: \(KafkaError.text(of: result))")
            state.markDown("subscribing to group '\(groupID)' failed: \(KafkaError.text(of: result))")
            return false
        }
        log("subscribed as group '\(groupID)'")
        return true
    }

    /// Reads the low and high watermark of each partition from the brokers, retrying until all
    /// are read. Returns nil when stopped first.
    ///
    /// Each round sends two ListOffsets requests per broker for all partitions at once, where
    /// `rd_kafka_query_watermark_offsets` takes two round trips per partition: with 89 partitions
    /// on the embedded broker that was about 20 ms of the source's start.
    private func queryWatermarks(_ partitions: [TopicPartition]) -> [TopicPartition: (low: Int64, high: Int64)]? {
        var result: [TopicPartition: (low: Int64, high: Int64)] = [:]
        var pending = partitions
        while !pending.isEmpty {
            if state.isStopping { return nil }
            let lows = listOffsets(pending, at: Int64(RD_KAFKA_OFFSET_BEGINNING))
            let highs = listOffsets(pending, at: Int64(RD_KAFKA_OFFSET_END))
            for partition in pending {
                // A failed request, or one partition's error, leaves -1 or no entry, and -1 would
                // mean "the end" to assign and "nothing to read" to untilEnd.
                if let low = lows[partition], let high = highs[partition], low >= 0, high >= 0 {
                    result[partition] = (low, high)
                }
            }
            pending = pending.filter { result[$0] == nil }
            if !pending.isEmpty {
                log("reading the watermarks of \(pending.count) partitions failed, retrying: " + pending.prefix(5).map { "\($0.topic)/\($0.partition)" }.joined(separator: " "))
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        return result
    }

    /// Returns the offset that the brokers list for `position` in each partition: the earliest
    /// retained offset for `RD_KAFKA_OFFSET_BEGINNING`, the high watermark for
    /// `RD_KAFKA_OFFSET_END`. A partition whose lookup failed is missing or -1.
    private func listOffsets(_ partitions: [TopicPartition], at position: Int64) -> [TopicPartition: Int64] {
        // The list is owned here and destroyed by the defer; librdkafka writes the results into it.
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!.pointee.offset = position
        }
        // ListOffsets takes the logical offsets -2 (earliest) and -1 (latest) in place of a time.
        let code = rd_kafka_offsets_for_times(client.pointer, list, 2000)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            log("listing offsets failed: \(KafkaError.text(of: code))")
            return [:]
        }
        var offsets: [TopicPartition: Int64] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            if element.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
            }
        }
        return offsets
    }

    /// The first offset at or after `timeMs` in each partition where the brokers find one.
    ///
    /// - Note: librdkafka 2.0.2's mock cluster returns -1 for every lookup. A partition without
    ///   an offset starts at its earliest retained offset, and the caller drops older events by
    ///   their own time. Against a real broker -1 means that no message is that new, so the source
    ///   then reads the partition's whole retention only for the caller to drop it.
    private func lookUpOffsets(_ partitions: [TopicPartition], timeMs: Int64) -> [TopicPartition: Int64] {
        // The list is owned here and destroyed by the defer; librdkafka writes the results into it.
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!.pointee.offset = timeMs
        }
        let code = rd_kafka_offsets_for_times(client.pointer, list, 10_000)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            log("offsets-for-times lookup failed, starting at the earliest offsets: \(KafkaError.text(of: code))")
            return [:]
        }
        var offsets: [TopicPartition: Int64] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let partition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            if element.err == RD_KAFKA_RESP_ERR_NO_ERROR, element.offset >= 0 {
                offsets[partition] = element.offset
            } else {
                log("offsets-for-times found no offset for \(partition.topic)/\(partition.partition); starting at its earliest offset")
            }
        }
        return offsets
    }

    /// Assigns partitions (and topics) that appeared since the last metadata read, from their
    /// earliest offset: everything in them is newer than the start.
    private func assignAddedPartitions() {
        let counts: [String: Int32]
        do {
            counts = try client.partitionCounts(topics: options.effectiveTopics, timeoutMs: 2000)
        } catch {
            log("re-reading metadata failed: \(error)")
            return
        }
        let added = Self.addedPartitions(reported: counts, assigned: state.knownPartitions())
        state.setMissingTopics(Self.missingTopics(requested: options.effectiveTopics, reported: counts))
        guard !added.isEmpty else { return }
        log("found \(added.count) added partitions")
        _ = assign(added, startPosition: .earliest, recordEnds: false)
    }

    /// Returns the partitions that metadata reports (`reported`: topic to partition count) and
    /// that are not assigned yet, by topic, then partition number.
    ///
    /// - Note: librdkafka 2.0.2's mock cluster cannot add partitions to a topic. Only unit tests
    ///   reach this with a grown count, and end-to-end tests see the same count every time.
    static func addedPartitions(reported: [String: Int32], assigned: Set<TopicPartition>) -> [TopicPartition] {
        reported.sorted { $0.key < $1.key }.flatMap { topic, count in
            (0..<count).map { TopicPartition(topic: topic, partition: $0) }
        }.filter { !assigned.contains($0) }
    }

    /// Returns the requested topics that metadata did not report, in the requested order.
    static func missingTopics(requested: [String], reported: [String: Int32]) -> [String] {
        requested.filter { reported[$0] == nil }
    }

    /// Updates the high watermarks from librdkafka's cache, which each fetch response refreshes;
    /// this sends no request.
    private func refreshHighWatermarks() {
        for partition in state.knownPartitions() {
            var low: Int64 = -1
            var high: Int64 = -1
            let code = rd_kafka_get_watermark_offsets(client.pointer, partition.topic, partition.partition, &low, &high)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 {
                state.setHighWatermark(high, for: partition)
            }
        }
    }

    private func log(_ message: String) {
        logFile?.write(severity: "INFO", facility: "spendtop", message: message)
    }

    // MARK: - Callback helpers

    /// Whether an error callback code means the brokers cannot be reached.
    private static func isConnectionFailure(_ code: rd_kafka_resp_err_t) -> Bool {
        [RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__RESOLVE,
         RD_KAFKA_RESP_ERR__AUTHENTICATION, RD_KAFKA_RESP_ERR__SSL, RD_KAFKA_RESP_ERR__FATAL].contains(code)
    }

    /// Returns whether librdkafka's statistics show a connection in state UP to a cluster broker,
    /// or nil when the JSON is unreadable. Bootstrap entries, which have node id -1, do not count.
    static func anyBrokerUp(statisticsJSON: [UInt8]) -> Bool? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(statisticsJSON)) as? [String: Any],
              let brokers = root["brokers"] as? [String: Any] else { return nil }
        return brokers.values.contains { entry in
            guard let broker = entry as? [String: Any] else { return false }
            let nodeID = broker["nodeid"] as? Int ?? -1
            return nodeID >= 0 && broker["state"] as? String == "UP"
        }
    }
}

struct TopicPartition: Hashable, Sendable {
    var topic: String
    var partition: Int32
}
