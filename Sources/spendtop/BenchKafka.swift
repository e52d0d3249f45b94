import Foundation
import SpendAggregation
import SpendKafka

/// The consumers that measurement 2 times on the same generated stream.
enum KafkaBenchConsumer: String, CaseIterable {
    /// `kcat -C ... > /dev/null`: librdkafka's own consumer with nothing done per message.
    case kcat
    /// The dashboard's `KafkaFeed` drained and counted, without decoding.
    case source
    /// `KafkaFeed` delivering to a `LiveSession`, which decodes and aggregates each message.
    case ingest
}

/// Sizes of one Kafka round: what is published before the consumer starts and while it runs.
struct KafkaBenchPlan {
    /// Messages on the topic before the consumer starts; the consumer stops after this many.
    var messages: Int
    /// Messages the producer publishes while the consumer runs, at most.
    var liveMessages: Int
    /// The rate of those messages, in messages per second.
    var liveRate: Int
    var partitions: Int

    static let topic = "spendtop-bench"
    /// Messages per second published while a consumer reads. At full speed the producer and the
    /// broker fill CPU 1, and the broker then limits every consumer, kcat included, to about the
    /// producer's rate.
    static let liveRate = 50_000
    /// librdkafka 2.0.2's mock cluster drops the oldest messages of a partition above 5 MiB.
    static let partitionRetentionBytes = 5 * 1024 * 1024

    /// Plans `messages` pre-filled messages plus as many published live at `liveRate`, on enough
    /// partitions that, by the 5 MiB retention per partition, the broker keeps all of them with a
    /// quarter to spare. So the consumer should lose no unread message to the mock's retention.
    init(messages: Int, averageBytes: Double, liveRate: Int) {
        self.messages = messages
        liveMessages = messages
        self.liveRate = liveRate
        let bytes = Double(messages + liveMessages) * averageBytes * 1.25
        partitions = max(3, Int((bytes / Double(Self.partitionRetentionBytes)).rounded(.up)))
    }
}

extension Bench {
    // MARK: 2. end to end over Kafka

    /// Times kcat, the dashboard's source alone, and the source with ingest, each on a new
    /// broker whose topic contains `messages` generated messages while a producer keeps publishing.
    mutating func measureKafka() throws {
        let sample = MessageBatch(traffic: BenchTraffic(spanSeconds: 3_600, messageCount: 2_000), count: 2_000)
        let plan = KafkaBenchPlan(
            messages: options.kafkaMessages, averageBytes: Double(sample.bytes.count) / Double(sample.count), liveRate: KafkaBenchPlan.liveRate
        )
        let binary = try executablePath()
        let kcat = findExecutable("kcat")
        let otherCPU = setCallingThreadCPU(1) ? 1 : nil
        _ = setCallingThreadCPU(0)
        if otherCPU == nil {
            progress("kafka: warning: CPU 1 is not available; the broker and producer share CPU 0 with the consumer.")
        }
        progress("kafka: \(plan.messages) messages pre-filled on \(plan.partitions) partitions; up to \(plan.liveMessages) more published at \(plan.liveRate)/s while each consumer reads")

        var wholeRates: [KafkaBenchConsumer: [Double]] = [:]
        var steadyRates: [KafkaBenchConsumer: [Double]] = [:]
        var producerRates: [Double] = []
        for run in 1...options.runs {
            for consumer in KafkaBenchConsumer.allCases {
                if consumer == .kcat && kcat == nil { continue }
                let round = try runKafkaRound(consumer, plan: plan, binary: binary, kcat: kcat ?? "", producerCPU: otherCPU)
                wholeRates[consumer, default: []].append(round.rate)
                if let steady = round.firstToLastRate { steadyRates[consumer, default: []].append(steady) }
                producerRates.append(round.producerRate)
                var line = "kafka: run \(run) \(consumer.rawValue): \(round.messages) messages in \(format(round.seconds, digits: 3)) s from start to exit"
                if let steady = round.firstToLastRate, let startup = round.startupSeconds {
                    line += ", first message after \(format(startup * 1000, digits: 0)) ms, then \(format(steady, digits: 0))/s"
                }
                line += "; producer at \(format(round.producerRate, digits: 0))/s"
                line += round.producerStillPublishing ? ", still publishing at the end" : ", done before the end"
                progress(line)
            }
        }
        progress("kafka: the producer published at \(format(median(producerRates), digits: 0)) messages/s (median) while the consumers read")

        let target = 300_000.0
        for (consumer, name) in [(KafkaBenchConsumer.ingest, "2. Kafka to engine, source + ingest, events/s"), (.source, "2. Kafka source alone, no decoding, messages/s")] {
            let rate = median(steadyRates[consumer] ?? [])
            rows.append(BenchRow(
                measurement: name, value: format(rate, digits: 0),
                target: ">= 300,000", ratio: format(rate / target, digits: 2), met: rate >= target ? "yes" : "no"
            ))
        }
        let ingestWhole = median(wholeRates[.ingest] ?? [])
        let sourceWhole = median(wholeRates[.source] ?? [])
        rows.append(BenchRow(measurement: "2. start to exit: source + ingest, events/s", value: format(ingestWhole, digits: 0), target: "-", ratio: "-", met: "-"))
        rows.append(BenchRow(measurement: "2. start to exit: source alone, messages/s", value: format(sourceWhole, digits: 0), target: "-", ratio: "-", met: "-"))
        if kcat == nil {
            rows.append(BenchRow(measurement: "2. start to exit: kcat -C > /dev/null", value: "kcat not found", target: "-", ratio: "-", met: "-"))
            progress("kafka: kcat is not installed, so its row is empty; `make bench` installs the Debian package kcat.")
        } else {
            let kcatWhole = median(wholeRates[.kcat] ?? [])
            rows.append(BenchRow(
                measurement: "2. start to exit: kcat -C > /dev/null, messages/s", value: format(kcatWhole, digits: 0),
                target: "-", ratio: "x\(format(sourceWhole / kcatWhole, digits: 2))", met: "-"
            ))
        }
    }

    /// The outcome of one consumer's round.
    struct KafkaRound {
        var messages: Int
        /// From the consumer's start to its exit.
        var seconds: Double
        var rate: Double { Double(messages) / seconds }
        /// From the consumer's start to its first message; nil for kcat, whose output is discarded.
        var startupSeconds: Double?
        /// Messages per second from the first to the last message; nil for kcat.
        var firstToLastRate: Double?
        /// Messages per second that the producer published while the consumer ran.
        var producerRate: Double
        var producerStillPublishing: Bool
    }

    /// Starts a broker and a producer on `producerCPU`, waits until the topic contains
    /// `plan.messages` messages, and times `consumer` from its start to its exit while the
    /// producer goes on publishing.
    private func runKafkaRound(_ consumer: KafkaBenchConsumer, plan: KafkaBenchPlan, binary: String, kcat: String, producerCPU: Int?) throws -> KafkaRound {
        let broker = try BenchProcess(
            name: "the bench broker", path: binary,
            arguments: ["bench", "--kafka-broker-child", String(plan.partitions), KafkaBenchPlan.topic],
            cpu: producerCPU, pipeInput: true, pipeOutput: true
        )
        defer {
            broker.closeInput()
            _ = try? broker.waitForExit(timeout: 30)
        }
        let address = try broker.readLine(timeout: 30)

        let producer = try BenchProcess(
            name: "the bench producer", path: binary,
            arguments: ["bench", "--kafka-producer-child", address, KafkaBenchPlan.topic, String(plan.messages), String(plan.liveMessages), String(plan.liveRate)],
            cpu: producerCPU, pipeInput: true, pipeOutput: true
        )
        defer {
            producer.closeInput()
            _ = try? producer.waitForExit(timeout: 30)
        }
        let filled = parseFields(try producer.readLine(timeout: 300))
        guard filled["prefilled"] == String(plan.messages) else {
            throw RuntimeFailure(message: "the bench producer did not report the pre-filled topic: \(filled)")
        }

        let arguments: [String]
        let path: String
        switch consumer {
        case .kcat:
            path = kcat
            arguments = [
                "-C", "-b", address, "-t", KafkaBenchPlan.topic, "-o", "beginning", "-c", String(plan.messages), "-q",
                // The fetch size that KafkaSource sets, so both fetch alike.
                "-X", "fetch.max.bytes=\(KafkaSource.defaultFetchMaxBytes)",
            ]
        case .source, .ingest:
            path = binary
            arguments = ["bench", "--kafka-consumer-child", consumer.rawValue, address, KafkaBenchPlan.topic, String(plan.messages)]
        }
        let started = monotonicSeconds()
        let process = try BenchProcess(name: "the \(consumer.rawValue) consumer", path: path, arguments: arguments, cpu: nil,
                                       pipeInput: false, pipeOutput: consumer != .kcat)
        let status = try process.waitForExit(timeout: 300)
        let ended = monotonicSeconds()
        let output = consumer == .kcat ? "" : process.readRemainingOutput()
        guard status == 0 else {
            throw RuntimeFailure(message: "the \(consumer.rawValue) consumer failed with exit status \(status).")
        }

        // Closing its input stops the producer, which then reports what it published live.
        producer.closeInput()
        let published = parseFields(try producer.readLine(timeout: 120))
        guard let liveCount = published["live"].flatMap(Double.init), let liveStart = published["live_start"].flatMap(Double.init),
              let liveEnd = published["live_end"].flatMap(Double.init), liveEnd > liveStart else {
            throw RuntimeFailure(message: "the bench producer reported no live figures: \(published)")
        }
        var round = KafkaRound(
            messages: plan.messages, seconds: ended - started,
            producerRate: liveCount / (liveEnd - liveStart), producerStillPublishing: liveEnd >= ended
        )
        if consumer != .kcat {
            let fields = parseFields(output)
            guard let messages = fields["messages"].flatMap(Int.init), let first = fields["first"].flatMap(Double.init),
                  let last = fields["last"].flatMap(Double.init), let processStart = fields["start"].flatMap(Double.init) else {
                throw RuntimeFailure(message: "the \(consumer.rawValue) consumer printed no figures: \(output)")
            }
            round.messages = messages
            round.startupSeconds = first - processStart
            round.firstToLastRate = last > first ? Double(messages) / (last - first) : nil
        }
        return round
    }
}

// MARK: - Child processes

/// Runs one of the bench's Kafka child processes, named by the first argument.
func runKafkaBenchChild(_ arguments: [String]) throws -> Int32 {
    let mode = arguments.first ?? ""
    let rest = Array(arguments.dropFirst())
    switch mode {
    case "--kafka-broker-child" where rest.count == 2:
        guard let partitions = Int(rest[0]) else { break }
        try runBenchBroker(partitions: partitions, topic: rest[1])
        return 0
    case "--kafka-producer-child" where rest.count == 5:
        guard let prefill = Int(rest[2]), let live = Int(rest[3]), let rate = Int(rest[4]) else { break }
        try runBenchProducer(bootstrapServers: rest[0], topic: rest[1], prefill: prefill, live: live, rate: rate)
        return 0
    case "--kafka-consumer-child" where rest.count == 4:
        guard let consumer = KafkaBenchConsumer(rawValue: rest[0]), consumer != .kcat, let count = Int(rest[3]) else { break }
        try runBenchConsumer(consumer, bootstrapServers: rest[1], topic: rest[2], count: count)
        return 0
    default:
        break
    }
    throw UsageError(message: "invalid arguments for the bench's internal mode \(mode): \(rest.joined(separator: " ")).")
}

/// Runs an embedded broker with `topic`, prints its address, and stops when standard input
/// closes, which happens when the bench closes it or ends for any reason.
private func runBenchBroker(partitions: Int, topic: String) throws {
    let broker: EmbeddedBroker
    do {
        broker = try EmbeddedBroker(topics: [topic: partitions])
    } catch let error as KafkaError {
        throw RuntimeFailure(message: error.message)
    }
    print(broker.bootstrapServers)
    fflush(nil)
    _ = FileHandle.standardInput.readDataToEndOfFile()
    broker.stop()
}

/// Publishes generated messages with event times in the last hour, spread evenly over the
/// partitions: first `prefill` of them, then a `prefilled=N` line once the broker has them all,
/// then up to `live` more at `rate` messages per second (0 for full speed) until standard input
/// closes. Ends with a line `live=N live_start=T live_end=T` (monotonic seconds, the end after
/// the last delivery).
private func runBenchProducer(bootstrapServers: String, topic: String, prefill: Int, live: Int, rate: Int) throws {
    var traffic = BenchTraffic(spanSeconds: 3_600, messageCount: prefill + live)
    traffic.startMilliseconds = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
    let batch = MessageBatch(traffic: traffic, count: prefill + live)
    do {
        let producer = try KafkaProducer(bootstrapServers: bootstrapServers, properties: [
            // The whole pre-fill may wait in librdkafka's queue while batches go out.
            KafkaProperty(name: "queue.buffering.max.messages", value: "1000000"),
        ])
        defer { producer.close() }
        let partitions = try producer.partitionCount(topic: topic)
        try batch.bytes.withUnsafeBytes { bytes in
            // Without the trailing newline, as a publisher sends one JSON document per message.
            func send(_ index: Int) throws {
                let message = UnsafeRawBufferPointer(rebasing: bytes[batch.offsets[index]..<(batch.offsets[index + 1] - 1)])
                try producer.send(message, topic: topic, partition: Int32(index % partitions))
            }
            for index in 0..<prefill {
                try send(index)
            }
            try producer.flush(timeoutMs: 120_000)
            print("prefilled=\(prefill)")
            fflush(nil)

            let liveStart = monotonicSeconds()
            var published = 0
            while published < live {
                // Checking the input and the clock every 1,000 messages keeps their cost negligible.
                if published % 1_000 == 0 {
                    if isEndOfInput() { break }
                    if rate > 0 {
                        // Message k is due at liveStart + k / rate.
                        let wait = liveStart + Double(published) / Double(rate) - monotonicSeconds()
                        if wait > 0 {
                            producer.poll()
                            usleep(UInt32(wait * 1_000_000))
                        }
                    }
                }
                try send(prefill + published)
                published += 1
            }
            try producer.flush(timeoutMs: 120_000)
            print("live=\(published) live_start=\(liveStart) live_end=\(monotonicSeconds())")
            fflush(nil)
        }
        let failures = producer.failures
        guard failures.count == 0 else {
            throw RuntimeFailure(message: "\(failures.count) bench messages were not delivered: \(failures.firstReason ?? "unknown reason").")
        }
    } catch let error as KafkaError {
        throw RuntimeFailure(message: error.message)
    }
}

/// Returns whether standard input is closed, without waiting.
private func isEndOfInput() -> Bool {
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, 0) > 0 else { return false }
    var byte: UInt8 = 0
    return read(STDIN_FILENO, &byte, 1) <= 0
}

/// Reads `count` messages from the start of `topic` through the dashboard's `KafkaFeed`, either
/// only counting them or ingesting them through a `LiveSession`, and prints the monotonic times
/// of its start, first message and last message. Gives up after two minutes.
private func runBenchConsumer(_ consumer: KafkaBenchConsumer, bootstrapServers: String, topic: String, count: Int) throws {
    let start = monotonicSeconds()
    var options = KafkaSourceOptions()
    options.brokers = bootstrapServers
    options.topics = [topic]
    options.startPosition = .earliest
    let feed = try KafkaFeed(options: options)
    let deadline = start + 120
    var first: Double?
    var messages = 0

    // The time of the last message, taken before stopping, because stopping is not part of reading.
    var last = 0.0
    if consumer == .source {
        while messages < count, monotonicSeconds() < deadline {
            guard let batch = feed.nextBatch(timeout: 0.2) else { break }
            if first == nil, !batch.isEmpty { first = monotonicSeconds() }
            messages += batch.count
        }
        last = monotonicSeconds()
    } else {
        let session = LiveSession(feed: feed, configuration: EngineLimitOptions().configuration(), log: .disabled)
        session.start()
        while first == nil, monotonicSeconds() < deadline {
            if feed.source.status.messagesDelivered > 0 { first = monotonicSeconds() } else { usleep(1_000) }
        }
        while messages < count, monotonicSeconds() < deadline {
            // The ingest thread keeps the lock for a whole batch, so the count grows by whole batches.
            messages = Int(session.withEngine { $0.counts.messages })
            if messages < count { usleep(1_000) }
        }
        last = monotonicSeconds()
        session.stop()
    }
    feed.stop()
    guard messages >= count, let first else {
        throw RuntimeFailure(message: "the bench consumer read \(messages) of \(count) messages within 120 s.")
    }
    print("start=\(start) first=\(first) last=\(last) messages=\(messages)")
}
