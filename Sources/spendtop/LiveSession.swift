import Foundation
import SpendAggregation
import SpendEvents
import SpendKafka

/// One message value from a file feed.
struct FeedMessage {
    var topic: String?
    /// The value's bytes, or nil for a value too large to keep.
    var value: [UInt8]?
}

/// The messages a feed delivers at once.
enum FeedBatch {
    case lines([FeedMessage])
    /// Kafka messages, read in place in librdkafka's buffers until the batches are released.
    case kafka([KafkaMessageBatch])

    var count: Int {
        switch self {
        case .lines(let messages): return messages.count
        case .kafka(let batches): return batches.reduce(0) { $0 + $1.count }
        }
    }

    var isEmpty: Bool { count == 0 }

    /// Calls `body` with each message's topic and value in order; the value is nil when it was
    /// too large to keep. The bytes are valid only during the call.
    func forEach(_ body: (_ topic: String?, _ value: UnsafeBufferPointer<UInt8>?) -> Void) {
        switch self {
        case .lines(let messages):
            for message in messages {
                guard let value = message.value else {
                    body(message.topic, nil)
                    continue
                }
                value.withUnsafeBufferPointer { body(message.topic, $0) }
            }
        case .kafka(let batches):
            for batch in batches {
                for index in 0..<batch.count {
                    batch.withValue(at: index) { body(batch.topic(at: index), $0) }
                }
            }
        }
    }
}

/// A source of dashboard messages: a file or Kafka.
protocol MessageFeed: AnyObject, Sendable {
    /// Waits up to `timeout` seconds for messages; returns an empty batch when none came and nil
    /// once the feed has ended.
    func nextBatch(timeout: Double) -> FeedBatch?
    /// Returns the connection state, lag and offsets for the header and snapshots.
    func freshness() -> SourceFreshness
    /// True when the engine clock should follow event times (a finite feed) rather than the wall clock.
    var isFinite: Bool { get }
    func stop()
}

/// The engine, fed on its own thread, and read by the drawing loop under a lock.
final class LiveSession: @unchecked Sendable {
    private let engine: SpendEngine
    private let lock = NSLock()
    let feed: MessageFeed
    private let log: LogFile
    private var stopped = false
    private(set) var finished = false
    private var thread: Thread?
    /// Accepted events before this Unix time in milliseconds are dropped (a `--from` time that the
    /// broker could not look up).
    let ignoreBeforeMilliseconds: Int64?

    init(feed: MessageFeed, configuration: EngineConfiguration, log: LogFile, ignoreBeforeMilliseconds: Int64? = nil) {
        var configuration = configuration
        configuration.clockFollowsEvents = feed.isFinite
        engine = SpendEngine(configuration: configuration)
        self.feed = feed
        self.log = log
        self.ignoreBeforeMilliseconds = ignoreBeforeMilliseconds
        if let ignoreBeforeMilliseconds {
            engine.ignoreEvents(before: ignoreBeforeMilliseconds)
        }
    }

    /// Starts ingesting on a dedicated thread, never on the Swift concurrency pool.
    func start() {
        let thread = Thread { [self] in
            ingestUntilStopped()
        }
        thread.name = "spendtop-ingest"
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        feed.stop()
    }

    /// Runs `body` with the engine while ingestion waits.
    func withEngine<Result>(_ body: (SpendEngine) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(engine)
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func ingestUntilStopped() {
        while !isStopped {
            guard let batch = feed.nextBatch(timeout: 0.2) else {
                lock.lock()
                finished = true
                lock.unlock()
                log.log(.info, "source ended")
                return
            }
            let wallClock = Int64(Date().timeIntervalSince1970 * 1000)
            lock.lock()
            if !feed.isFinite {
                engine.advanceClock(toMilliseconds: wallClock)
            }
            batch.forEach { topic, value in
                ingest(value, topic: topic, wallClock: wallClock)
            }
            lock.unlock()
        }
    }

    private func ingest(_ value: UnsafeBufferPointer<UInt8>?, topic: String?, wallClock: Int64) {
        guard let value else {
            ingestOversized(into: engine, log: log, origin: topic ?? "file")
            return
        }
        ingestLogged(value, topic: topic, into: engine, wallClock: wallClock, log: log, origin: topic ?? "file")
    }
}

/// Ingests one message and logs a skipped one with its reason and the field at fault.
/// `origin` names where it came from in the log: a topic, or a file line.
func ingestLogged(
    _ bytes: UnsafeBufferPointer<UInt8>, topic: String?, into engine: SpendEngine, wallClock: Int64, log: LogFile, origin: String
) {
    if let skipped = engine.ingest(bytes, topic: topic, wallClockMilliseconds: wallClock) {
        log.log(.debug, "skipped message", ["reason": skipped.reason.rawValue, "detail": skipped.detail.description, "origin": origin])
    }
}

/// Counts a message that was too large to read as skipped (invalid) and logs it.
func ingestOversized(into engine: SpendEngine, log: LogFile, origin: String) {
    engine.recordSkipped(.invalid)
    log.log(.debug, "skipped message", ["reason": "invalid", "detail": "message is larger than the size limit", "origin": origin])
}

/// A JSON-lines file read in one pass, handed out in batches.
final class FileFeed: MessageFeed, @unchecked Sendable {
    private var messages: [FeedMessage] = []
    private var position = 0
    private let path: String
    let isFinite = true

    init(path: String, maxMessageBytes: Int) throws {
        self.path = path
        let descriptor: Int32 = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RuntimeFailure(message: "cannot open \(path): \(String(cString: strerror(errno))).")
        }
        defer { if path != "-" { close(descriptor) } }
        var reader = LineReader(descriptor: descriptor, maxLineBytes: maxMessageBytes)
        var collected: [FeedMessage] = []
        try reader.forEachLine { line in
            switch line {
            case .oversized: collected.append(FeedMessage(topic: nil, value: nil))
            case .message(let bytes): collected.append(FeedMessage(topic: nil, value: Array(bytes)))
            }
        }
        messages = collected
    }

    func nextBatch(timeout: Double) -> FeedBatch? {
        guard position < messages.count else { return nil }
        let end = min(position + 10_000, messages.count)
        defer { position = end }
        return .lines(Array(messages[position..<end]))
    }

    func freshness() -> SourceFreshness {
        SourceFreshness(connection: position < messages.count ? "reading" : "file read", health: .connected, lag: nil, description: "file \(path)")
    }

    func stop() {}
}
