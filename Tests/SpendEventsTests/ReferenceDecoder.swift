// The message decoder as it was at commit 8e268c5, before it was tuned for speed. Only the
// type names differ. DecoderEquivalenceTests compares the tuned decoder with it, so both must
// return the same event, skip reason and detail for every input. Do not edit it to follow a
// change in MessageDecoder, because a deliberate change of behaviour needs its own test.
import SpendEvents

/// The reason a scan of JSON bytes stopped.
enum ReferenceScanError: Error {
    case notJSON(StaticString)
    case tooDeep
}

/// A single-pass reader of JSON bytes that walks objects without building them.
///
/// It validates what it reads (strings, escapes, numbers, literals, nesting) but keeps no
/// values: callers pick the fields they need and skip the rest, so reading an event
/// allocates nothing.
struct ReferenceJSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Deepest nesting accepted inside a skipped value; deeper input is rejected, never recursed into.
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { position >= bytes.count }

    var current: UInt8 { bytes[position] }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Consumes `byte` after optional whitespace, or returns false leaving the position on the next token.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    mutating func expect(_ byte: UInt8, _ problem: StaticString) throws(ReferenceScanError) {
        guard consume(byte) else { throw .notJSON(problem) }
    }

    /// Reads a string starting at the opening quote and returns its span.
    mutating func readString() throws(ReferenceScanError) -> TextSpan {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw .notJSON("expected a string")
        }
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            position = Self.skipPlainStringBytes(bytes, from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let span = TextSpan(start: Int32(start), count: Int32(position - start), escaped: escaped)
                position += 1
                return span
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { break }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < bytes.count else { throw .notJSON("truncated \\u escape") }
                    for offset in 1...4 where referenceHexValue(bytes[position + offset]) == nil {
                        throw .notJSON("invalid \\u escape")
                    }
                    position += 5
                default:
                    throw .notJSON("invalid escape in a string")
                }
                continue
            }
            if byte < 0x20 {
                throw .notJSON("control character in a string")
            }
            position += 1
        }
        throw .notJSON("unterminated string")
    }

    /// Returns the first position at or after `position` that may need attention inside a
    /// string: a quote, a backslash or a control character, or a position within 8 bytes of the
    /// end. It tests eight bytes per step, because strings are most of a message's bytes.
    @inline(__always)
    static func skipPlainStringBytes(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        guard let base = bytes.baseAddress else { return position }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var current = position
        while current + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: current, as: UInt64.self)
            // (x - 1) & ~x sets the high bit of a byte that is zero in x, and may also mark a byte
            // above a real match. Any mark ends the fast loop, and the byte loop decides.
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                | ((word &- ones &* 0x20) & ~word)
            if special & highBits != 0 { break }
            current += 8
        }
        return current
    }

    /// Reads a number and returns the range of its bytes; validates the JSON number grammar.
    mutating func readNumber() throws(ReferenceScanError) -> Range<Int> {
        skipWhitespace()
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        while position < bytes.count, referenceIsDigit(bytes[position]) { position += 1 }
        guard position > integerStart else {
            if position < bytes.count, bytes[position] == UInt8(ascii: "I") || bytes[position] == UInt8(ascii: "N") {
                throw .notJSON("NaN or Infinity is not JSON")
            }
            throw .notJSON("expected a number")
        }
        if position - integerStart > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw .notJSON("number with a leading zero")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, referenceIsDigit(bytes[position]) { position += 1 }
            guard position > fractionStart else { throw .notJSON("number without digits after the point") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            let exponentStart = position
            while position < bytes.count, referenceIsDigit(bytes[position]) { position += 1 }
            guard position > exponentStart else { throw .notJSON("number without exponent digits") }
        }
        return start..<position
    }

    /// Reads `true`, `false` or `null` at the current position.
    mutating func readLiteral() throws(ReferenceScanError) -> ReferenceJSONLiteral {
        skipWhitespace()
        if matches("true") { return .true }
        if matches("false") { return .false }
        if matches("null") { return .null }
        if position < bytes.count, bytes[position] == UInt8(ascii: "N") || bytes[position] == UInt8(ascii: "I") {
            throw .notJSON("NaN or Infinity is not JSON")
        }
        throw .notJSON("unexpected character")
    }

    private mutating func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] {
            return false
        }
        position += count
        return true
    }

    /// Returns the kind of the next value, judged by its first byte.
    mutating func peekKind() throws(ReferenceScanError) -> ReferenceJSONKind {
        skipWhitespace()
        guard position < bytes.count else { throw .notJSON("truncated JSON") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"): throw .notJSON("NaN or Infinity is not JSON")
        default: throw .notJSON("unexpected character")
        }
    }

    /// Skips one value of any kind, validating it, without recursion.
    ///
    /// Nesting is tracked in a bit stack, one bit per level (object or array), so a value
    /// nested deeper than `maxDepth` levels is rejected in constant memory.
    mutating func skipValue() throws(ReferenceScanError) {
        var containers: (UInt64) = 0
        var depth = 0
        // After an opening bracket or a comma the grammar wants a value (or a key in an object).
        while true {
            let kind = try peekKind()
            switch kind {
            case .object, .array:
                guard depth < Self.maxDepth else { throw .tooDeep }
                let isObject = kind == .object
                position += 1
                containers = (containers << 1) | (isObject ? 1 : 0)
                depth += 1
                if consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    containers >>= 1
                    depth -= 1
                    break
                }
                if isObject {
                    _ = try readString()
                    try expect(UInt8(ascii: ":"), "expected ':' after a key")
                }
                continue
            case .string:
                _ = try readString()
            case .number:
                _ = try readNumber()
            case .bool, .null:
                _ = try readLiteral()
            }
            // A value ended: close containers or move to the next element.
            while depth > 0 {
                let isObject = containers & 1 == 1
                if consume(UInt8(ascii: ",")) {
                    if isObject {
                        _ = try readString()
                        try expect(UInt8(ascii: ":"), "expected ':' after a key")
                    }
                    break
                }
                guard consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw .notJSON(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
                containers >>= 1
                depth -= 1
            }
            if depth == 0 { return }
        }
    }

    /// Returns the next key of an object, positioned at its value, or nil once the object closes.
    ///
    /// Pass `first: true` right after the opening brace was consumed by ``openObject()``.
    /// The caller must consume each value (read it or call ``skipValue()``) before asking again.
    mutating func nextKey(first: Bool) throws(ReferenceScanError) -> TextSpan? {
        if first {
            if consume(UInt8(ascii: "}")) { return nil }
        } else if !consume(UInt8(ascii: ",")) {
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            return nil
        }
        let key = try readString()
        try expect(UInt8(ascii: ":"), "expected ':' after a key")
        return key
    }

    mutating func openObject() throws(ReferenceScanError) {
        try expect(UInt8(ascii: "{"), "expected an object")
    }

    /// True when the span's raw bytes equal `word` (keys are compared unescaped only when plain).
    func spanEquals(_ span: TextSpan, _ word: StaticString) -> Bool {
        guard !span.escaped, Int(span.count) == word.utf8CodeUnitCount else { return false }
        let pointer = word.utf8Start
        let start = Int(span.start)
        for offset in 0..<Int(span.count) where bytes[start + offset] != pointer[offset] {
            return false
        }
        return true
    }
}

enum ReferenceJSONKind {
    case object, array, string, number, bool, null
}

enum ReferenceJSONLiteral {
    case `true`, `false`, null
}

@inline(__always)
func referenceIsDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}

@inline(__always)
func referenceHexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
    default: return nil
    }
}

/// Decodes message values into cost-tracking events, in one pass over the bytes.
///
/// A message is accepted when it is a JSON object in the envelope format with a cost-tracking
/// payload whose required fields (event_id, a timestamp, provider, model, cost_estimate_usd,
/// response_time_ms) are present and well-typed. Everything else is skipped with a reason;
/// nothing makes the decoder throw or trap.
struct ReferenceMessageDecoder: Sendable {
    /// Messages larger than this many bytes are skipped as invalid without being parsed. Default 1 MiB.
    var maxMessageBytes: Int
    /// Events whose time is more than this many milliseconds past the wall clock are invalid. Default one day.
    var maxFutureMilliseconds: Int64

    init(maxMessageBytes: Int = 1 << 20, maxFutureMilliseconds: Int64 = 86_400_000) {
        self.maxMessageBytes = maxMessageBytes
        self.maxFutureMilliseconds = maxFutureMilliseconds
    }

    /// Decodes one message value.
    ///
    /// - Parameters:
    ///   - message: the value's bytes; spans in the result point into them.
    ///   - topic: the topic it came from, or nil for a file. The kind of event is taken from
    ///     the topic when it is one of ``KnownTopic``, otherwise from the shape of `data`.
    ///   - wallClockMilliseconds: the current Unix time, for the future-timestamp check.
    func decode(
        _ message: UnsafeBufferPointer<UInt8>, topic: String? = nil, wallClockMilliseconds: Int64
    ) -> DecodeResult {
        if topic == KnownTopic.requestCompleted {
            return .skipped(.otherEventType, SkipDetail(field: "message", problem: "is on the request-completed topic"))
        }
        guard message.count <= maxMessageBytes else {
            return .skipped(.invalid, SkipDetail(field: "message", problem: "is larger than the size limit"))
        }
        guard ReferenceUTF8Validation.isValid(message) else {
            return .skipped(.notJSON, SkipDetail(field: "message", problem: "is not valid UTF-8"))
        }
        var reader = ReferenceEnvelopeReader(scanner: ReferenceJSONScanner(message))
        do {
            try reader.read()
        } catch {
            switch error {
            case .tooDeep:
                return .skipped(.invalid, SkipDetail(field: "message", problem: "is nested too deeply"))
            case .notJSON(let problem):
                return .skipped(.notJSON, SkipDetail(field: "message", problem: problem))
            }
        }
        return reader.finish(
            isCostTopic: topic == KnownTopic.costTracking,
            latestAllowedMilliseconds: wallClockMilliseconds &+ maxFutureMilliseconds
        )
    }
}

/// Reads the envelope and payload fields of one message, remembering the first field at fault.
struct ReferenceEnvelopeReader {
    var scanner: ReferenceJSONScanner
    var fields = CostEventFields()
    var fault: SkipDetail?
    var hasEventID = false
    var eventTimestamp: TextSpan?
    var requestTimestamp: TextSpan?
    var hasData = false
    var hasCost = false
    var hasLatency = false
    var hasTotalTokens = false
    var eventTypeSaysCost = false
    var hasEventType = false
    var dataLooksLikeOtherEvent = false

    init(scanner: ReferenceJSONScanner) {
        self.scanner = scanner
    }

    mutating func note(_ field: StaticString, _ problem: StaticString) {
        if fault == nil { fault = SkipDetail(field: field, problem: problem) }
    }

    mutating func read() throws(ReferenceScanError) {
        try scanner.openObject()
        var first = true
        while let key = try scanner.nextKey(first: first) {
            first = false
            if scanner.spanEquals(key, "event_id") {
                if let span = try readOptionalString("event_id") {
                    fields.eventID = span
                    hasEventID = true
                }
            } else if scanner.spanEquals(key, "event_timestamp") {
                eventTimestamp = try readOptionalString("event_timestamp")
            } else if scanner.spanEquals(key, "event_type") {
                if let span = try readOptionalString("event_type") {
                    hasEventType = true
                    eventTypeSaysCost = contains(span, "cost")
                }
            } else if scanner.spanEquals(key, "data") {
                if try scanner.peekKind() == .object {
                    hasData = true
                    try readPayload()
                } else {
                    note("data", "is not an object")
                    try scanner.skipValue()
                }
            } else {
                try scanner.skipValue()
            }
        }
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw .notJSON("has text after the JSON object") }
    }

    private mutating func readPayload() throws(ReferenceScanError) {
        try scanner.openObject()
        var first = true
        while let key = try scanner.nextKey(first: first) {
            first = false
            if scanner.spanEquals(key, "provider") {
                fields.provider = try readOptionalString("data.provider")
            } else if scanner.spanEquals(key, "model") {
                fields.model = try readOptionalString("data.model")
            } else if scanner.spanEquals(key, "service_name") {
                fields.service = try readOptionalString("data.service_name")
            } else if scanner.spanEquals(key, "organization_id") {
                fields.organization = try readOptionalString("data.organization_id")
            } else if scanner.spanEquals(key, "user_id") {
                fields.user = try readOptionalString("data.user_id")
            } else if scanner.spanEquals(key, "request_type") {
                fields.requestType = try readOptionalString("data.request_type")
            } else if scanner.spanEquals(key, "request_timestamp") {
                requestTimestamp = try readOptionalString("data.request_timestamp")
            } else if scanner.spanEquals(key, "cost_estimate_usd") {
                if let money = try readMoney("data.cost_estimate_usd") {
                    fields.cost = money
                    hasCost = true
                }
            } else if scanner.spanEquals(key, "cache_cost_savings_usd") {
                fields.cacheSavings = try readMoney("data.cache_cost_savings_usd")
            } else if scanner.spanEquals(key, "response_time_ms") {
                if let latency = try readCount("data.response_time_ms", rounding: true) {
                    fields.latencyMilliseconds = latency
                    hasLatency = true
                }
            } else if scanner.spanEquals(key, "cached") {
                if try readBool("data.cached") == true { fields.cached = true }
            } else if scanner.spanEquals(key, "token_usage") {
                try readTokenUsage()
            } else if scanner.spanEquals(key, "metadata") {
                try readPayloadMetadata()
            } else if scanner.spanEquals(key, "success") || scanner.spanEquals(key, "cost_estimate") {
                dataLooksLikeOtherEvent = true
                try scanner.skipValue()
            } else {
                try scanner.skipValue()
            }
        }
    }

    private mutating func readTokenUsage() throws(ReferenceScanError) {
        switch try scanner.peekKind() {
        case .null:
            _ = try scanner.readLiteral()
            return
        case .object:
            break
        default:
            note("data.token_usage", "is not an object")
            try scanner.skipValue()
            return
        }
        try scanner.openObject()
        var first = true
        while let key = try scanner.nextKey(first: first) {
            first = false
            if scanner.spanEquals(key, "prompt_tokens") {
                fields.promptTokens = try readCount("data.token_usage.prompt_tokens", rounding: false) ?? 0
            } else if scanner.spanEquals(key, "completion_tokens") {
                fields.completionTokens = try readCount("data.token_usage.completion_tokens", rounding: false) ?? 0
            } else if scanner.spanEquals(key, "total_tokens") {
                if let total = try readCount("data.token_usage.total_tokens", rounding: false) {
                    fields.totalTokens = total
                    hasTotalTokens = true
                }
            } else {
                try scanner.skipValue()
            }
        }
    }

    /// Reads the payload's free-form metadata, looking only for `"cached": true`.
    private mutating func readPayloadMetadata() throws(ReferenceScanError) {
        guard try scanner.peekKind() == .object else {
            try scanner.skipValue()
            return
        }
        try scanner.openObject()
        var first = true
        while let key = try scanner.nextKey(first: first) {
            first = false
            if scanner.spanEquals(key, "cached"), try scanner.peekKind() == .bool {
                if try scanner.readLiteral() == .true { fields.cached = true }
            } else {
                try scanner.skipValue()
            }
        }
    }

    /// Reads a string or null; any other kind is noted as a fault and skipped.
    private mutating func readOptionalString(_ field: StaticString) throws(ReferenceScanError) -> TextSpan? {
        switch try scanner.peekKind() {
        case .string:
            return try scanner.readString()
        case .null:
            _ = try scanner.readLiteral()
            return nil
        default:
            note(field, "is not a string")
            try scanner.skipValue()
            return nil
        }
    }

    private mutating func readBool(_ field: StaticString) throws(ReferenceScanError) -> Bool? {
        switch try scanner.peekKind() {
        case .bool:
            return try scanner.readLiteral() == .true
        case .null:
            _ = try scanner.readLiteral()
            return nil
        default:
            note(field, "is not true or false")
            try scanner.skipValue()
            return nil
        }
    }

    /// Reads a non-negative number of US dollars, exact to the micro-dollar.
    private mutating func readMoney(_ field: StaticString) throws(ReferenceScanError) -> Money? {
        switch try scanner.peekKind() {
        case .number:
            let range = try scanner.readNumber()
            guard let (micros, _) = ReferenceNumberText.scaledInteger(scanner.bytes, range, scale: 6) else {
                note(field, "is out of range")
                return nil
            }
            guard micros >= 0 else {
                note(field, "is negative")
                return nil
            }
            return Money(micros: micros)
        case .null:
            _ = try scanner.readLiteral()
            return nil
        default:
            note(field, "is not a number")
            try scanner.skipValue()
            return nil
        }
    }

    /// Reads a whole number from 0 to 4,294,967,295 (UInt32.max), the range the aggregates store
    /// per event; with `rounding`, a fraction is rounded to the nearest whole.
    private mutating func readCount(_ field: StaticString, rounding: Bool) throws(ReferenceScanError) -> Int64? {
        guard try scanner.peekKind() == .number else {
            note(field, "is not a number")
            try scanner.skipValue()
            return nil
        }
        let range = try scanner.readNumber()
        guard let (value, exact) = ReferenceNumberText.scaledInteger(scanner.bytes, range, scale: 0), value <= Int64(UInt32.max) else {
            note(field, "is out of range")
            return nil
        }
        guard exact || rounding else {
            note(field, "is not a whole number")
            return nil
        }
        guard value >= 0 else {
            note(field, "is negative")
            return nil
        }
        return value
    }

    private func contains(_ span: TextSpan, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        let start = Int(span.start)
        let end = start + Int(span.count)
        guard end - start >= count else { return false }
        let pointer = word.utf8Start
        for candidate in start...(end - count) {
            var matched = true
            for offset in 0..<count where scanner.bytes[candidate + offset] != pointer[offset] {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }

    /// Decides the event kind and checks the required fields.
    func finish(isCostTopic: Bool, latestAllowedMilliseconds: Int64) -> DecodeResult {
        let isCost = isCostTopic || hasCost || (!dataLooksLikeOtherEvent && (eventTypeSaysCost || !hasEventType))
        guard isCost else {
            return .skipped(.otherEventType, SkipDetail(field: "data", problem: "is not a cost-tracking payload"))
        }
        if let fault {
            return .skipped(.invalid, fault)
        }
        guard hasData else { return invalid("data", "is missing") }
        guard hasEventID else { return invalid("event_id", "is missing") }
        guard fields.eventID.count > 0 else { return invalid("event_id", "is empty") }
        guard fields.provider != nil else { return invalid("data.provider", "is missing") }
        guard fields.model != nil else { return invalid("data.model", "is missing") }
        guard hasCost else { return invalid("data.cost_estimate_usd", "is missing") }
        guard hasLatency else { return invalid("data.response_time_ms", "is missing") }

        var event = fields
        if let span = eventTimestamp {
            guard let time = ReferenceNumberText.timestampMilliseconds(scanner.bytes, start: Int(span.start), count: Int(span.count)) else {
                return invalid("event_timestamp", "is not an ISO-8601 time")
            }
            event.timeMilliseconds = time
        } else if let span = requestTimestamp {
            guard let time = ReferenceNumberText.timestampMilliseconds(scanner.bytes, start: Int(span.start), count: Int(span.count)) else {
                return invalid("data.request_timestamp", "is not an ISO-8601 time")
            }
            event.timeMilliseconds = time
        } else {
            return invalid("event_timestamp", "is missing and so is data.request_timestamp")
        }
        guard event.timeMilliseconds <= latestAllowedMilliseconds else {
            return invalid("event_timestamp", "is more than a day in the future")
        }
        if !hasTotalTokens {
            event.totalTokens = event.promptTokens &+ event.completionTokens
        }
        return .event(event)
    }

    private func invalid(_ field: StaticString, _ problem: StaticString) -> DecodeResult {
        .skipped(.invalid, SkipDetail(field: field, problem: problem))
    }
}

/// A check that bytes are well-formed UTF-8, with a fast path for ASCII.
enum ReferenceUTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        // ASCII fast path: eight bytes at a time while no high bit is set.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count {
                if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
        }
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; scalar = UInt32(lead & 0x07)
            default: return false
            }
            guard index + length <= count else { return false }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            // Reject overlong forms, surrogates and values past U+10FFFF.
            switch length {
            case 3 where scalar < 0x800 || (0xD800...0xDFFF).contains(scalar): return false
            case 4 where scalar < 0x10000 || scalar > 0x10FFFF: return false
            default: break
            }
            index += length
        }
        return true
    }
}

/// Conversions of JSON number and timestamp bytes to integers, without floating point.
enum ReferenceNumberText {
    /// The value of the JSON number in `bytes[range]` times 10^`scale`, rounded half away from zero.
    ///
    /// Works on the decimal digits themselves, so `0.015014999999999997` at scale 6 is exactly
    /// 15015 and `5e-05` is 50. Returns nil when the result does not fit in an Int64.
    /// `exact` is false when non-zero digits were rounded away.
    static func scaledInteger(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scale: Int
    ) -> (value: Int64, exact: Bool)? {
        var index = range.lowerBound
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        // Mantissa digits run from `digitsStart` to `range.upperBound` or the exponent, skipping the point.
        let digitsStart = index
        var integerDigits = 0
        var mantissaEnd = index
        var sawPoint = false
        var allZero = true
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                sawPoint = true
            } else if referenceIsDigit(byte) {
                if !sawPoint { integerDigits += 1 }
                if byte != UInt8(ascii: "0") { allZero = false }
            } else {
                break
            }
            index += 1
        }
        mantissaEnd = index
        var exponent = 0
        if index < range.upperBound {
            index += 1
            var exponentNegative = false
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < range.upperBound {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        if allZero { return (0, true) }
        // `cut` digits of the mantissa (padded with zeros) form the scaled integer.
        let cut = integerDigits + exponent + scale
        guard cut <= 40 else { return nil }
        var digitIndex = 0
        var position = digitsStart
        var result: Int64 = 0
        var roundingDigit: UInt8 = 0
        var droppedNonZero = false
        /// Returns the next mantissa digit, or 0 once they run out.
        func nextDigit() -> UInt8 {
            while position < mantissaEnd {
                let byte = bytes[position]
                position += 1
                if byte != UInt8(ascii: ".") { return byte - UInt8(ascii: "0") }
            }
            return 0
        }
        if cut < 0 {
            return (0, false)
        }
        while digitIndex < cut {
            let digit = Int64(nextDigit())
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            result = sum
            digitIndex += 1
        }
        roundingDigit = nextDigit()
        if roundingDigit != 0 { droppedNonZero = true }
        while position < mantissaEnd {
            let byte = bytes[position]
            position += 1
            if byte != UInt8(ascii: ".") && byte != UInt8(ascii: "0") { droppedNonZero = true }
        }
        if roundingDigit >= 5 {
            let (rounded, overflow) = result.addingReportingOverflow(1)
            if overflow { return nil }
            result = rounded
        }
        return (negative ? -result : result, !droppedNonZero)
    }

    /// Unix time in milliseconds of an ISO-8601 date and time in `bytes[start..<start+count]`.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS` (or a space for `T`), any number of fractional
    /// digits (milliseconds kept, the rest truncated), and `Z`, `±HH:MM`, `±HHMM` or no
    /// offset, which is read as UTC. Returns nil for anything else or an impossible date.
    static func timestampMilliseconds(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, count: Int) -> Int64? {
        let end = start + count
        var index = start
        func number(_ width: Int) -> Int? {
            guard index + width <= end else { return nil }
            var value = 0
            for _ in 0..<width {
                let byte = bytes[index]
                guard referenceIsDigit(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), take(UInt8(ascii: "-")),
              let month = number(2), take(UInt8(ascii: "-")),
              let day = number(2) else { return nil }
        guard take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || take(UInt8(ascii: " ")) else { return nil }
        guard let hour = number(2), take(UInt8(ascii: ":")),
              let minute = number(2), take(UInt8(ascii: ":")),
              let second = number(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 61 else { return nil }
        var milliseconds = 0
        if take(UInt8(ascii: ".")) {
            var digits = 0
            while index < end, referenceIsDigit(bytes[index]) {
                if digits < 3 { milliseconds = milliseconds * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { milliseconds *= 10 }
        }
        var offsetSeconds = 0
        if index < end {
            if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
                // UTC.
            } else if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let offsetHours = number(2) else { return nil }
                _ = take(UInt8(ascii: ":"))
                guard let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        guard index == end else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(milliseconds)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}
