import CRdKafka

/// A failure in the Kafka client, the producer or the embedded broker.
///
/// `message` is a full sentence for the user; it never contains the value of a property whose
/// name contains `password` or `secret`.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// librdkafka rejected a configuration property or its value.
        case invalidProperty
        /// librdkafka could not create a client handle.
        case clientCreation
        /// A request to the brokers failed or timed out.
        case request
        /// A message could not be queued or delivered.
        case produce
        /// The embedded broker could not be started or changed.
        case embeddedBroker
        /// The log file could not be opened.
        case logFile
    }

    public let kind: Kind
    public let message: String

    public var description: String { message }

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// librdkafka's text for an error code, such as "Local: Broker transport failure".
    static func text(of code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }

    /// Returns the text in a NUL-terminated buffer that librdkafka filled in, such as an `errstr`.
    static func text(ofBuffer buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A Kafka protocol error code or a librdkafka local error code (the negative ones), for fault
/// injection into the embedded broker.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    init(_ code: rd_kafka_resp_err_t) {
        self.rawValue = code.rawValue
    }

    /// Makes the embedded broker close the client's connection instead of responding.
    public static let transport = KafkaErrorCode(RD_KAFKA_RESP_ERR__TRANSPORT)
    public static let notLeaderForPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    public static let leaderNotAvailable = KafkaErrorCode(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
    public static let requestTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    public static let unknownTopicOrPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    public static let notEnoughReplicas = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)

    /// librdkafka's text for the code.
    public var description: String {
        KafkaError.text(of: rd_kafka_resp_err_t(rawValue: rawValue))
    }
}

/// A Kafka protocol request type (its ApiKey), for fault injection into the embedded broker.
public enum KafkaRequestType: Int16, Sendable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case apiVersions = 18
}
