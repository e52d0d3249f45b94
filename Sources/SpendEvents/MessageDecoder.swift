/// The Kafka topics whose event kind is known from the topic name alone.
public enum KnownTopic {
    public static let costTracking = "huleedu.llm_provider.cost_tracking.v1"
    public static let requestCompleted = "huleedu.llm_provider.request_completed.v1"
}

/// The reason a message was skipped: the field at fault and the problem, for the debug log.
public struct SkipDetail: Sendable, CustomStringConvertible {
    /// The field at fault as a JSON path, such as `data.cost_estimate_usd`, or `message`.
    public let field: StaticString
    /// The problem with the field, as a phrase such as `is not a number`.
    public let problem: StaticString

    public init(field: StaticString, problem: StaticString) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
}

/// The outcome of decoding one message.
public enum DecodeResult: Sendable {
    case event(CostEventFields)
    case skipped(SkipReason, SkipDetail)
}

/// Decodes message values into cost-tracking events, in one pass over the bytes.
///
/// A message is accepted when it is a JSON object in the envelope format with a cost-tracking
/// payload whose required fields (event_id, a timestamp, provider, model, cost_estimate_usd,
/// response_time_ms) are present and well-typed. Everything else is skipped with a reason;
/// nothing makes the decoder throw or trap.
public struct MessageDecoder: Sendable {
    /// Messages larger than this many bytes are skipped as invalid without being parsed. Default 1 MiB.
    public var maxMessageBytes: Int
    /// Events whose time is more than this many milliseconds past the wall clock are invalid. Default one day.
    public var maxFutureMilliseconds: Int64

    public init(maxMessageBytes: Int = 1 << 20, maxFutureMilliseconds: Int64 = 86_400_000) {
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
    public func decode(
        _ message: UnsafeBufferPointer<UInt8>, topic: String? = nil, wallClockMilliseconds: Int64
    ) -> DecodeResult {
        if topic == KnownTopic.requestCompleted {
            return .skipped(.otherEventType, SkipDetail(field: "message", problem: "is on the request-completed topic"))
        }
        guard message.count <= min(maxMessageBytes, JSONScanner.maxBytes) else {
            return .skipped(.invalid, SkipDetail(field: "message", problem: "is larger than the size limit"))
        }
        var reader = EnvelopeReader(scanner: JSONScanner(message))
        if !reader.readProducerLayout() {
            reader = EnvelopeReader(scanner: JSONScanner(message))
            do {
                try reader.read()
            } catch {
                // The scanner checks the UTF-8 of every string it reads, and any other byte of
                // 0x80 or above fails the JSON grammar. So a message that scans is valid UTF-8,
                // and for one that does not, invalid UTF-8 anywhere is reported before the
                // grammar error.
                guard UTF8Validation.isValid(message) else {
                    return .skipped(.notJSON, SkipDetail(field: "message", problem: "is not valid UTF-8"))
                }
                switch error {
                case .tooDeep:
                    return .skipped(.invalid, SkipDetail(field: "message", problem: "is nested too deeply"))
                case .notJSON(let problem):
                    return .skipped(.notJSON, SkipDetail(field: "message", problem: problem))
                }
            }
        }
        return reader.finish(
            isCostTopic: topic == KnownTopic.costTracking,
            latestAllowedMilliseconds: wallClockMilliseconds &+ maxFutureMilliseconds
        )
    }
}

/// Reads the envelope and payload fields of one message, remembering the first field at fault.
struct EnvelopeReader {
    var scanner: JSONScanner
    var fields = CostEventFields()
    var fault: SkipDetail?
    var hasEventID = false
    var eventTimestamp: TextSpan?
    var requestTimestamp: TextSpan?
    var hasData = false
    var hasCost = false
    var hasLatency = false
    var hasTotalTokens = false
    /// The span of the event type, whose text `finish` reads only when the topic and the
    /// payload leave the kind of event open.
    var eventType: TextSpan?
    var dataLooksLikeOtherEvent = false

    init(scanner: JSONScanner) {
        self.scanner = scanner
    }

    mutating func note(_ field: StaticString, _ problem: StaticString) {
        if fault == nil { fault = SkipDetail(field: field, problem: problem) }
    }

    mutating func read() throws(ScanError) {
        try scanner.openObject()
        var first = true
        var expected: EnvelopeField? = .eventID
        while true {
            let field: EnvelopeField
            if let predicted = expected, skipKey(predicted, first: first) {
                field = predicted
            } else {
                guard try scanner.moveToKey(first: first) else { break }
                field = envelopeField(try scanner.readKey())
            }
            first = false
            if field != .other { expected = field.next }
            switch field {
            case .eventID:
                if let span = try readOptionalString("event_id") {
                    fields.eventID = span
                    hasEventID = true
                }
            case .eventTimestamp:
                eventTimestamp = try readOptionalString("event_timestamp")
            case .eventType:
                if let span = try readOptionalString("event_type") {
                    eventType = span
                }
            case .data:
                if try scanner.peekKind() == .object {
                    hasData = true
                    try readPayload()
                } else {
                    note("data", "is not an object")
                    try scanner.skipValue()
                }
            case .sourceService, .schemaVersion, .correlationID, .dataSchemaURI, .metadata, .other:
                try scanner.skipValue()
            }
        }
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw .notJSON("has text after the JSON object") }
    }

    private mutating func readPayload() throws(ScanError) {
        try scanner.openObject()
        var first = true
        var expected: PayloadField? = .correlationID
        while true {
            let field: PayloadField
            if let predicted = expected, skipKey(predicted, first: first) {
                field = predicted
            } else {
                guard try scanner.moveToKey(first: first) else { break }
                field = payloadField(try scanner.readKey())
            }
            first = false
            if field != .other { expected = field.next }
            switch field {
            case .provider:
                fields.provider = try readOptionalString("data.provider")
            case .model:
                fields.model = try readOptionalString("data.model")
            case .serviceName:
                fields.service = try readOptionalString("data.service_name")
            case .organizationID:
                fields.organization = try readOptionalString("data.organization_id")
            case .userID:
                fields.user = try readOptionalString("data.user_id")
            case .requestType:
                fields.requestType = try readOptionalString("data.request_type")
            case .requestTimestamp:
                requestTimestamp = try readOptionalString("data.request_timestamp")
            case .costEstimateUSD:
                if let money = try readMoney("data.cost_estimate_usd") {
                    fields.cost = money
                    hasCost = true
                }
            case .cacheCostSavingsUSD:
                fields.cacheSavings = try readMoney("data.cache_cost_savings_usd")
            case .responseTimeMS:
                if let latency = try readCount("data.response_time_ms", rounding: true) {
                    fields.latencyMilliseconds = latency
                    hasLatency = true
                }
            case .cached:
                if try readBool("data.cached") == true { fields.cached = true }
            case .tokenUsage:
                try readTokenUsage()
            case .metadata:
                try readPayloadMetadata()
            case .success, .costEstimate:
                dataLooksLikeOtherEvent = true
                try scanner.skipValue()
            case .correlationID, .other:
                try scanner.skipValue()
            }
        }
    }

    private mutating func readTokenUsage() throws(ScanError) {
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
        var expected: TokenCount? = .prompt
        while true {
            let field: TokenCount
            if let predicted = expected, skipKey(predicted, first: first) {
                field = predicted
            } else {
                guard try scanner.moveToKey(first: first) else { break }
                field = tokenCount(try scanner.readKey())
            }
            first = false
            if field != .other { expected = field.next }
            switch field {
            case .prompt:
                fields.promptTokens = try readCount("data.token_usage.prompt_tokens", rounding: false) ?? 0
            case .completion:
                fields.completionTokens = try readCount("data.token_usage.completion_tokens", rounding: false) ?? 0
            case .total:
                if let total = try readCount("data.token_usage.total_tokens", rounding: false) {
                    fields.totalTokens = total
                    hasTotalTokens = true
                }
            case .other:
                try scanner.skipValue()
            }
        }
    }

    /// The counts of `token_usage`, in the order in which the producer writes them.
    private enum TokenCount {
        case prompt, completion, total, other

        /// The count that usually follows this one on the wire.
        var next: TokenCount? {
            switch self {
            case .prompt: return .completion
            case .completion: return .total
            case .total, .other: return nil
            }
        }
    }

    /// Moves past the separator and key of `count` as producers write them, as the envelope's
    /// `skipKey` does for its fields.
    private mutating func skipKey(_ count: TokenCount, first: Bool) -> Bool {
        switch count {
        case .prompt: return first && scanner.skip(literal: "\"prompt_tokens\": ")
        case .completion: return !first && scanner.skip(literal: ", \"completion_tokens\": ")
        case .total: return !first && scanner.skip(literal: ", \"total_tokens\": ")
        case .other: return false
        }
    }

    /// Returns the count of `token_usage` that `key` names.
    private func tokenCount(_ key: TextSpan) -> TokenCount {
        if scanner.keyEquals(key, "prompt_tokens") { return .prompt }
        if scanner.keyEquals(key, "completion_tokens") { return .completion }
        return scanner.keyEquals(key, "total_tokens") ? .total : .other
    }

    /// Reads the payload's free-form metadata, looking only for `"cached": true`.
    private mutating func readPayloadMetadata() throws(ScanError) {
        guard try scanner.peekKind() == .object else {
            try scanner.skipValue()
            return
        }
        try scanner.openObject()
        var first = true
        while let key = try scanner.nextKey(first: first) {
            first = false
            if scanner.keyEquals(key, "cached"), try scanner.peekKind() == .bool {
                if try scanner.readLiteral() == .true { fields.cached = true }
            } else {
                try scanner.skipValue()
            }
        }
    }

    /// The envelope fields that the decoder reads and the skipped ones of the wire format, in
    /// the order in which the producer writes them (as in the fixture files).
    private enum EnvelopeField {
        case eventID, eventType, eventTimestamp, sourceService, schemaVersion, correlationID, dataSchemaURI, data, metadata
        case other

        /// The field that usually follows this one on the wire.
        var next: EnvelopeField? {
            switch self {
            case .eventID: return .eventType
            case .eventType: return .eventTimestamp
            case .eventTimestamp: return .sourceService
            case .sourceService: return .schemaVersion
            case .schemaVersion: return .correlationID
            case .correlationID: return .dataSchemaURI
            case .dataSchemaURI: return .data
            case .data: return .metadata
            case .metadata, .other: return nil
            }
        }
    }

    /// Moves past the separator and key of `field` as producers write them, `, "name": `, or
    /// `"name": ` for the first key, and returns true. Otherwise returns false and leaves the
    /// position for the general reading of the key.
    ///
    /// Messages usually list their keys in one order, so trying the expected key first skips
    /// the scan of the key and the lookup of its name.
    private mutating func skipKey(_ field: EnvelopeField, first: Bool) -> Bool {
        switch field {
        case .eventID: return first && scanner.skip(literal: "\"event_id\": ")
        case .eventType: return !first && scanner.skip(literal: ", \"event_type\": ")
        case .eventTimestamp: return !first && scanner.skip(literal: ", \"event_timestamp\": ")
        case .sourceService: return !first && scanner.skip(literal: ", \"source_service\": ")
        case .schemaVersion: return !first && scanner.skip(literal: ", \"schema_version\": ")
        case .correlationID: return !first && scanner.skip(literal: ", \"correlation_id\": ")
        case .dataSchemaURI: return !first && scanner.skip(literal: ", \"data_schema_uri\": ")
        case .data: return !first && scanner.skip(literal: ", \"data\": ")
        case .metadata: return !first && scanner.skip(literal: ", \"metadata\": ")
        case .other: return false
        }
    }

    /// Returns the envelope field that `key` names. A switch on the key's length comes first,
    /// so each key is compared with at most two names.
    private func envelopeField(_ key: TextSpan) -> EnvelopeField {
        switch key.count {
        case 4: return scanner.keyEquals(key, "data") ? .data : .other
        case 8: return scanner.keyEquals(key, "event_id") ? .eventID : .other
        case 10: return scanner.keyEquals(key, "event_type") ? .eventType : .other
        case 15: return scanner.keyEquals(key, "event_timestamp") ? .eventTimestamp : .other
        default: return .other
        }
    }

    /// The payload fields that the decoder reads, the two that mark another event type, and
    /// `correlation_id`, which it skips but producers write first.
    private enum PayloadField {
        case correlationID, provider, model, requestType, costEstimateUSD, tokenUsage, userID, organizationID
        case serviceName, requestTimestamp, responseTimeMS, cached, cacheCostSavingsUSD, metadata
        case success, costEstimate, other

        /// The field that usually follows this one on the wire. Most events are no cache hits,
        /// so `metadata` is expected after `response_time_ms`.
        var next: PayloadField? {
            switch self {
            case .correlationID: return .provider
            case .provider: return .model
            case .model: return .requestType
            case .requestType: return .costEstimateUSD
            case .costEstimateUSD: return .tokenUsage
            case .tokenUsage: return .userID
            case .userID: return .organizationID
            case .organizationID: return .serviceName
            case .serviceName: return .requestTimestamp
            case .requestTimestamp: return .responseTimeMS
            case .responseTimeMS: return .metadata
            case .cached: return .cacheCostSavingsUSD
            case .cacheCostSavingsUSD: return .metadata
            case .metadata, .success, .costEstimate, .other: return nil
            }
        }
    }

    /// Moves past the separator and key of `field` as producers write them, as the envelope's
    /// `skipKey` does for its fields.
    private mutating func skipKey(_ field: PayloadField, first: Bool) -> Bool {
        switch field {
        case .correlationID: return first && scanner.skip(literal: "\"correlation_id\": ")
        case .provider: return !first && scanner.skip(literal: ", \"provider\": ")
        case .model: return !first && scanner.skip(literal: ", \"model\": ")
        case .requestType: return !first && scanner.skip(literal: ", \"request_type\": ")
        case .costEstimateUSD: return !first && scanner.skip(literal: ", \"cost_estimate_usd\": ")
        case .tokenUsage: return !first && scanner.skip(literal: ", \"token_usage\": ")
        case .userID: return !first && scanner.skip(literal: ", \"user_id\": ")
        case .organizationID: return !first && scanner.skip(literal: ", \"organization_id\": ")
        case .serviceName: return !first && scanner.skip(literal: ", \"service_name\": ")
        case .requestTimestamp: return !first && scanner.skip(literal: ", \"request_timestamp\": ")
        case .responseTimeMS: return !first && scanner.skip(literal: ", \"response_time_ms\": ")
        case .cached: return !first && scanner.skip(literal: ", \"cached\": ")
        case .cacheCostSavingsUSD: return !first && scanner.skip(literal: ", \"cache_cost_savings_usd\": ")
        case .metadata: return !first && scanner.skip(literal: ", \"metadata\": ")
        case .success: return !first && scanner.skip(literal: ", \"success\": ")
        case .costEstimate: return !first && scanner.skip(literal: ", \"cost_estimate\": ")
        case .other: return false
        }
    }

    /// Returns the payload field that `key` names, switching on the key's length first.
    private func payloadField(_ key: TextSpan) -> PayloadField {
        switch key.count {
        case 5:
            return scanner.keyEquals(key, "model") ? .model : .other
        case 6:
            return scanner.keyEquals(key, "cached") ? .cached : .other
        case 7:
            if scanner.keyEquals(key, "user_id") { return .userID }
            return scanner.keyEquals(key, "success") ? .success : .other
        case 8:
            if scanner.keyEquals(key, "provider") { return .provider }
            return scanner.keyEquals(key, "metadata") ? .metadata : .other
        case 11:
            return scanner.keyEquals(key, "token_usage") ? .tokenUsage : .other
        case 12:
            if scanner.keyEquals(key, "service_name") { return .serviceName }
            return scanner.keyEquals(key, "request_type") ? .requestType : .other
        case 13:
            return scanner.keyEquals(key, "cost_estimate") ? .costEstimate : .other
        case 15:
            return scanner.keyEquals(key, "organization_id") ? .organizationID : .other
        case 16:
            return scanner.keyEquals(key, "response_time_ms") ? .responseTimeMS : .other
        case 17:
            if scanner.keyEquals(key, "request_timestamp") { return .requestTimestamp }
            return scanner.keyEquals(key, "cost_estimate_usd") ? .costEstimateUSD : .other
        case 22:
            return scanner.keyEquals(key, "cache_cost_savings_usd") ? .cacheCostSavingsUSD : .other
        default:
            return .other
        }
    }

    /// Reads a string or null; any other kind is noted as a fault and skipped.
    private mutating func readOptionalString(_ field: StaticString) throws(ScanError) -> TextSpan? {
        if let span = scanner.readPlainString() { return span }
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

    private mutating func readBool(_ field: StaticString) throws(ScanError) -> Bool? {
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
    private mutating func readMoney(_ field: StaticString) throws(ScanError) -> Money? {
        switch try scanner.peekKind() {
        case .number:
            guard let (micros, _) = try scanner.readScaledNumber(scale: 6) else {
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
    private mutating func readCount(_ field: StaticString, rounding: Bool) throws(ScanError) -> Int64? {
        guard try scanner.peekKind() == .number else {
            note(field, "is not a number")
            try scanner.skipValue()
            return nil
        }
        guard let (value, exact) = try scanner.readScaledNumber(scale: 0), value <= Int64(UInt32.max) else {
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
    mutating func finish(isCostTopic: Bool, latestAllowedMilliseconds: Int64) -> DecodeResult {
        let isCost = isCostTopic || hasCost || (!dataLooksLikeOtherEvent && eventType.map { contains($0, "cost") } ?? true)
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

        if let span = eventTimestamp {
            guard let time = NumberText.timestampMilliseconds(scanner.bytes, start: Int(span.start), count: Int(span.count)) else {
                return invalid("event_timestamp", "is not an ISO-8601 time")
            }
            fields.timeMilliseconds = time
        } else if let span = requestTimestamp {
            guard let time = NumberText.timestampMilliseconds(scanner.bytes, start: Int(span.start), count: Int(span.count)) else {
                return invalid("data.request_timestamp", "is not an ISO-8601 time")
            }
            fields.timeMilliseconds = time
        } else {
            return invalid("event_timestamp", "is missing and so is data.request_timestamp")
        }
        guard fields.timeMilliseconds <= latestAllowedMilliseconds else {
            return invalid("event_timestamp", "is more than a day in the future")
        }
        if !hasTotalTokens {
            fields.totalTokens = fields.promptTokens &+ fields.completionTokens
        }
        return .event(fields)
    }

    private func invalid(_ field: StaticString, _ problem: StaticString) -> DecodeResult {
        .skipped(.invalid, SkipDetail(field: field, problem: problem))
    }
}

extension EnvelopeReader {
    /// Reads a message laid out exactly as producers write it and returns true, or returns
    /// false at the first difference. After false the reader is spent: the caller reads the
    /// message again with a fresh reader's ``read()``.
    ///
    /// The layout is the fixtures': the envelope's and the payload's keys in their usual order
    /// with `json.dumps` separators, text values without escapes, `data_schema_uri` null and
    /// `cached` with `cache_cost_savings_usd` right after `response_time_ms` when present. One
    /// comparison reads each separator and key, and no value's kind is looked up by a switch.
    /// Numbers, booleans and both metadata objects go through the same readers as in
    /// ``read()``, so every field and fault comes out as ``read()`` gives them. A scan error
    /// also returns false, and ``read()`` then raises it again.
    mutating func readProducerLayout() -> Bool {
        do {
            return try readProducerFields()
        } catch {
            return false
        }
    }

    private mutating func readProducerFields() throws(ScanError) -> Bool {
        // The envelope up to the payload.
        guard scanner.skip(literal: "{\"event_id\": "), let eventID = scanner.readPlainString(),
              scanner.skip(literal: ", \"event_type\": "), let eventType = scanner.readPlainString(),
              scanner.skip(literal: ", \"event_timestamp\": "), let timestamp = scanner.readPlainString(),
              scanner.skip(literal: ", \"source_service\": "), scanner.readPlainString() != nil,
              scanner.skip(literal: ", \"schema_version\": ") else { return false }
        fields.eventID = eventID
        hasEventID = true
        self.eventType = eventType
        eventTimestamp = timestamp
        _ = try scanner.readNumber()

        // The payload up to the token counts.
        guard scanner.skip(literal: ", \"correlation_id\": "), scanner.readPlainString() != nil,
              scanner.skip(literal: ", \"data_schema_uri\": null, \"data\": {\"correlation_id\": "),
              scanner.readPlainString() != nil,
              scanner.skip(literal: ", \"provider\": "), let provider = scanner.readPlainString(),
              scanner.skip(literal: ", \"model\": "), let model = scanner.readPlainString(),
              scanner.skip(literal: ", \"request_type\": "), scanner.readPlainTextOrNull(into: &fields.requestType),
              scanner.skip(literal: ", \"cost_estimate_usd\": ") else { return false }
        hasData = true
        fields.provider = provider
        fields.model = model
        if let micros = scanner.readPlainDecimal(scale: 6) {
            fields.cost = Money(micros: micros)
            hasCost = true
        } else if let money = try readMoney("data.cost_estimate_usd") {
            fields.cost = money
            hasCost = true
        }

        guard scanner.skip(literal: ", \"token_usage\": {\"prompt_tokens\": ") else { return false }
        fields.promptTokens = try readCountPlainFirst("data.token_usage.prompt_tokens", rounding: false) ?? 0
        guard scanner.skip(literal: ", \"completion_tokens\": ") else { return false }
        fields.completionTokens = try readCountPlainFirst("data.token_usage.completion_tokens", rounding: false) ?? 0
        guard scanner.skip(literal: ", \"total_tokens\": ") else { return false }
        if let total = try readCountPlainFirst("data.token_usage.total_tokens", rounding: false) {
            fields.totalTokens = total
            hasTotalTokens = true
        }

        // The caller, the request time, the latency and the cache fields.
        guard scanner.skip(literal: "}, \"user_id\": "), scanner.readPlainTextOrNull(into: &fields.user),
              scanner.skip(literal: ", \"organization_id\": "), scanner.readPlainTextOrNull(into: &fields.organization),
              scanner.skip(literal: ", \"service_name\": "), scanner.readPlainTextOrNull(into: &fields.service),
              scanner.skip(literal: ", \"request_timestamp\": "), scanner.readPlainTextOrNull(into: &requestTimestamp),
              scanner.skip(literal: ", \"response_time_ms\": ") else { return false }
        if let latency = try readCountPlainFirst("data.response_time_ms", rounding: true) {
            fields.latencyMilliseconds = latency
            hasLatency = true
        }
        if scanner.skip(literal: ", \"cached\": ") {
            if try readBool("data.cached") == true { fields.cached = true }
            guard scanner.skip(literal: ", \"cache_cost_savings_usd\": ") else { return false }
            fields.cacheSavings = try readMoney("data.cache_cost_savings_usd")
        }

        // Both metadata objects and the end of the message.
        guard scanner.skip(literal: ", \"metadata\": ") else { return false }
        try readPayloadMetadata()
        guard scanner.skip(literal: "}, \"metadata\": ") else { return false }
        if !scanner.skip(literal: "null") {
            try scanner.skipValue()
        }
        guard scanner.skip(literal: "}") else { return false }
        scanner.skipWhitespace()
        return scanner.atEnd
    }

    /// Reads a count as ``readCount(_:rounding:)`` does, taking the path of
    /// ``JSONScanner/readPlainDecimal(scale:)`` for a plain whole number within its range.
    private mutating func readCountPlainFirst(_ field: StaticString, rounding: Bool) throws(ScanError) -> Int64? {
        let start = scanner.position
        if let value = scanner.readPlainDecimal(scale: 0) {
            if value <= Int64(UInt32.max) { return value }
            scanner.position = start
        }
        return try readCount(field, rounding: rounding)
    }
}
