/// The fields of one cost-tracking event, read from a message without copying its text.
///
/// Text fields are spans into the message bytes the decoder was given; they are valid only
/// while those bytes are. ``text(_:in:)`` turns a span into a `String` when one is needed.
public struct CostEventFields: Sendable {
    public var eventID = TextSpan(start: 0, count: 0, escaped: false)
    public var provider: TextSpan?
    public var model: TextSpan?
    public var service: TextSpan?
    public var organization: TextSpan?
    public var user: TextSpan?
    public var requestType: TextSpan?
    /// The event's time in Unix milliseconds: `event_timestamp`, else `data.request_timestamp`.
    public var timeMilliseconds: Int64 = 0
    /// `cost_estimate_usd`.
    public var cost = Money.zero
    /// True for a cache hit: `cached: true` or `metadata.cached == true`.
    public var cached = false
    /// `cache_cost_savings_usd`, or nil when the event does not carry it.
    public var cacheSavings: Money?
    public var promptTokens: Int64 = 0
    public var completionTokens: Int64 = 0
    /// `total_tokens`, or the sum of prompt and completion tokens when it is missing.
    public var totalTokens: Int64 = 0
    /// `response_time_ms`.
    public var latencyMilliseconds: Int64 = 0

    public init() {}
}

/// A cost-tracking event with its text copied out of the message, for code off the hot path.
public struct CostEvent: Equatable, Sendable {
    public var eventID: String
    public var provider: String?
    public var model: String?
    public var service: String?
    public var organization: String?
    public var user: String?
    public var requestType: String?
    public var timeMilliseconds: Int64
    public var cost: Money
    public var cached: Bool
    public var cacheSavings: Money?
    public var promptTokens: Int64
    public var completionTokens: Int64
    public var totalTokens: Int64
    public var latencyMilliseconds: Int64

    /// Copies `fields` out of the message bytes they point into.
    public init(_ fields: CostEventFields, in message: UnsafeBufferPointer<UInt8>) {
        eventID = TextDecoding.string(fields.eventID, in: message)
        provider = fields.provider.map { TextDecoding.string($0, in: message) }
        model = fields.model.map { TextDecoding.string($0, in: message) }
        service = fields.service.map { TextDecoding.string($0, in: message) }
        organization = fields.organization.map { TextDecoding.string($0, in: message) }
        user = fields.user.map { TextDecoding.string($0, in: message) }
        requestType = fields.requestType.map { TextDecoding.string($0, in: message) }
        timeMilliseconds = fields.timeMilliseconds
        cost = fields.cost
        cached = fields.cached
        cacheSavings = fields.cacheSavings
        promptTokens = fields.promptTokens
        completionTokens = fields.completionTokens
        totalTokens = fields.totalTokens
        latencyMilliseconds = fields.latencyMilliseconds
    }
}

/// Unescaping of JSON string spans.
public enum TextDecoding {
    /// The string a span holds, with JSON escapes resolved (unpaired surrogates become U+FFFD).
    public static func string(_ span: TextSpan, in message: UnsafeBufferPointer<UInt8>) -> String {
        let start = Int(span.start)
        let raw = UnsafeBufferPointer(rebasing: message[start..<start + Int(span.count)])
        if !span.escaped {
            return String(decoding: raw, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        unescape(raw, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes of the escaped JSON string contents `raw` to `output`.
    ///
    /// `raw` must have passed the scanner's escape validation.
    public static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            let code = raw[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(raw, index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 5 < raw.count,
                   raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") {
                    let low = hex4(raw, index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: String(Character(value)).utf8)
            default:
                output.append(code)
            }
        }
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 4 | (hexValue(raw[index + offset]) ?? 0)
        }
        return value
    }
}
