// libFuzzer entry for MessageDecoder.decode. Built by Fuzz/build.sh, run by `make fuzz`.
//
// Each input is one message value. Besides crashes, the fuzzer traps when an accepted event
// breaks an invariant that the aggregation relies on, and when the result differs from that of
// the frozen copy of the decoder in Tests/SpendEventsTests/ReferenceDecoder.swift.
import SpendEvents

/// 2026-02-10T00:00:00Z, a fixed wall clock so that a finding reproduces on any day.
private let wallClockMilliseconds: Int64 = 1_770_681_600_000

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("decoder invariant violated: \(message())") }
}

private func checkSpan(_ span: TextSpan?, _ name: String, bufferCount: Int) {
    guard let span else { return }
    check(span.start >= 0, "\(name) starts at \(span.start), before the buffer")
    check(span.count >= 0, "\(name) has negative length \(span.count)")
    check(Int(span.start) + Int(span.count) <= bufferCount,
          "\(name) ends at \(Int(span.start) + Int(span.count)), past the \(bufferCount)-byte buffer")
}

private func checkEvent(_ fields: CostEventFields, in message: UnsafeBufferPointer<UInt8>) {
    check(fields.cost.micros >= 0, "cost is negative: \(fields.cost)")
    if let savings = fields.cacheSavings {
        check(savings.micros >= 0, "cache savings are negative: \(savings)")
    }
    check(fields.latencyMilliseconds >= 0, "latency is negative: \(fields.latencyMilliseconds)")
    check(fields.promptTokens >= 0, "prompt tokens are negative: \(fields.promptTokens)")
    check(fields.completionTokens >= 0, "completion tokens are negative: \(fields.completionTokens)")
    check(fields.totalTokens >= 0, "total tokens are negative: \(fields.totalTokens)")

    check(fields.eventID.count > 0, "an accepted event has an empty event_id")
    checkSpan(fields.eventID, "event_id", bufferCount: message.count)
    checkSpan(fields.provider, "provider", bufferCount: message.count)
    checkSpan(fields.model, "model", bufferCount: message.count)
    checkSpan(fields.service, "service_name", bufferCount: message.count)
    checkSpan(fields.organization, "organization_id", bufferCount: message.count)
    checkSpan(fields.user, "user_id", bufferCount: message.count)
    checkSpan(fields.requestType, "request_type", bufferCount: message.count)

    // Copying the text out runs the unescaping of every span, which must not trap either.
    let event = CostEvent(fields, in: message)
    check(!event.eventID.isEmpty, "event_id unescapes to an empty string")
}

private func describe(_ result: DecodeResult) -> String {
    switch result {
    case .event(let fields): return "event \(fields)"
    case .skipped(let reason, let detail): return "skipped \(reason.rawValue): \(detail)"
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let message = UnsafeBufferPointer(start: data, count: size)
    let decoder = MessageDecoder()
    let reference = ReferenceMessageDecoder()
    // A file source passes no topic, and the cost topic skips the event-kind guess.
    for topic in [nil, KnownTopic.costTracking] {
        let result = decoder.decode(message, topic: topic, wallClockMilliseconds: wallClockMilliseconds)
        let expected = reference.decode(message, topic: topic, wallClockMilliseconds: wallClockMilliseconds)
        check(describe(result) == describe(expected),
              "the decoder returned \(describe(result)) where the reference decoder returned \(describe(expected))")
        if case .event(let fields) = result {
            checkEvent(fields, in: message)
        }
    }
    return 0
}
