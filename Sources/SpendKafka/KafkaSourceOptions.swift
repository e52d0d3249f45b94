/// The offset at which a `KafkaSource` starts reading each partition.
public enum KafkaStartPosition: Sendable, Equatable {
    /// Only messages produced after the start.
    case latest
    /// The oldest message the broker still holds.
    case earliest
    /// The first message at or after this time, in milliseconds since 1970 (UTC).
    case time(milliseconds: Int64)
}

/// The topics, start position and connection settings of a `KafkaSource`: the parsed `-b`, `-t`, `-X`, `-F`, `--from`,
/// `--until-end`, `--group`, `--log-file` and `--connect-timeout` options.
public struct KafkaSourceOptions: Sendable, Equatable {
    /// The cost-tracking topic, read when no topic is given.
    public static let defaultTopic = "huleedu.llm_provider.cost_tracking.v1"

    /// `bootstrap.servers`, such as `127.0.0.1:9092`; nil when it is only given as a property.
    public var brokers: String?
    /// The topics to read; empty means `defaultTopic`.
    public var topics: [String] = []
    /// librdkafka properties in the order given; a later one overrides an earlier one and
    /// spendtop's defaults.
    public var properties: [KafkaProperty] = []
    public var startPosition: KafkaStartPosition = .latest
    /// Stop at the high watermarks read at start (see `KafkaSource.isAtEnd`).
    public var untilEnd = false
    /// A consumer group to join; nil assigns every partition and commits nothing.
    public var groupID: String?
    /// The file that receives librdkafka's log, or nil to discard the log.
    public var logFilePath: String?
    /// How long a caller should wait for the first connection before giving up, in seconds.
    /// `KafkaSource` does not enforce it.
    public var connectTimeoutSeconds: Double = 10
    /// How often the source re-reads topic metadata to pick up added partitions, in seconds.
    public var partitionRefreshSeconds: Double = 10

    public init() {}

    /// The topics that are read: `topics`, or `defaultTopic` when it is empty.
    public var effectiveTopics: [String] {
        topics.isEmpty ? [Self.defaultTopic] : topics
    }

    /// The start time a caller should drop older events by, for a time position; else nil.
    ///
    /// A broker that cannot look up offsets by time makes the source start at the earliest
    /// retained message, so the caller must compare each event's own time with this.
    public var requestedStartTimeMs: Int64? {
        if case .time(let milliseconds) = startPosition { return milliseconds }
        return nil
    }

    /// Every property as `name=value` with secrets as `***`, for logs and `--help` style output.
    public var redactedDescription: String {
        var parts: [String] = []
        if let brokers { parts.append("bootstrap.servers=\(brokers)") }
        parts.append("topics=\(effectiveTopics.joined(separator: ","))")
        parts += properties.map(\.description)
        return parts.joined(separator: " ")
    }
}

/// One Kafka message, copied out of librdkafka.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The message timestamp in milliseconds since 1970, when the message has one.
    public var timestampMs: Int64?
    public var value: [UInt8]

    public init(topic: String, partition: Int32, offset: Int64, timestampMs: Int64?, value: [UInt8]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMs = timestampMs
        self.value = value
    }
}

/// The state of a `KafkaSource` for a dashboard header: connection, lag and throughput.
public struct KafkaSourceStatus: Sendable, Equatable {
    public enum Connection: Sendable, Equatable {
        /// No broker has responded yet, or the connection was lost without an error report.
        case connecting
        case connected
        /// librdkafka reported that the brokers cannot be reached; the text is librdkafka's.
        case down(String)
    }

    /// One assigned partition.
    public struct Partition: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        /// The offset of the next message to deliver, when known.
        public var position: Int64?
        /// The offset after the newest message on the broker, when known.
        public var highWatermark: Int64?

        /// Messages on the broker not yet delivered, when both offsets are known.
        public var lag: Int64? {
            guard let position, let highWatermark else { return nil }
            return max(0, highWatermark - position)
        }
    }

    public var connection: Connection = .connecting
    public var partitions: [Partition] = []
    /// Messages delivered per second over the last second or so.
    public var messagesPerSecond: Double = 0
    /// Message value bytes delivered per second over the last second or so.
    public var bytesPerSecond: Double = 0
    /// The newest Kafka message timestamp delivered, in milliseconds since 1970.
    public var newestMessageTimestampMs: Int64?
    /// Messages delivered since start.
    public var messagesDelivered: Int64 = 0
    /// Requested topics the cluster does not have (yet).
    public var missingTopics: [String] = []

    /// The message for `missingTopics`, or nil when every topic was found: for the dashboard
    /// header and `report`'s error.
    public var missingTopicsMessage: String? {
        guard !missingTopics.isEmpty else { return nil }
        let names = missingTopics.map { "'\($0)'" }.joined(separator: ", ")
        return "topic \(names) not found on the broker; check the name passed to -t"
    }

    /// The sum of every partition's lag, when each is known.
    public var totalLag: Int64? {
        var total: Int64 = 0
        for partition in partitions {
            guard let lag = partition.lag else { return nil }
            total += lag
        }
        return total
    }
}
