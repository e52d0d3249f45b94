// libFuzzer entry for Filter.parse. Built by Fuzz/build.sh, run by `make fuzz`.
//
// Each input is filter text. Besides crashes, the fuzzer traps when a parsed filter's
// canonical text does not parse back to an equal filter, or an error column is out of range.
import SpendAggregation

/// Events with every field set, with no optional field, and a cached one with mixed case.
private let fixedSubjects = [
    FilterSubject(
        provider: "openai", model: "gpt-4o-mini", service: "cj_assessment_service",
        organization: "acme", user: "u-17", requestType: "chat", cached: false
    ),
    FilterSubject(),
    FilterSubject(
        provider: "Anthropic", model: "claude-3-5-Sonnet", service: "essay service",
        organization: "-", user: "\"quoted\"", requestType: "embedding", cached: true
    ),
]

/// An event whose every text field is the first value in `text` (what follows the first
/// operator character), so that some terms of the input match it.
private func subject(echoing text: String) -> FilterSubject {
    guard let operatorIndex = text.firstIndex(where: { $0 == "=" || $0 == "~" }) else {
        return FilterSubject()
    }
    let value = String(text[text.index(after: operatorIndex)...].prefix { !$0.isWhitespace && $0 != ")" })
    return FilterSubject(
        provider: value, model: value, service: value, organization: value, user: value,
        requestType: value, cached: true
    )
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("filter property violated: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Invalid UTF-8 becomes U+FFFD, as it does when the dashboard reads typed text.
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let filter: Filter
    do {
        filter = try Filter.parse(text)
    } catch {
        check(error.column >= 1 && error.column <= text.count + 1,
              "error column \(error.column) is outside 1...\(text.count + 1) for \(text.debugDescription): \(error.message)")
        check(!error.message.isEmpty, "empty error message for \(text.debugDescription)")
        return 0
    }

    for subject in fixedSubjects + [subject(echoing: text)] {
        _ = filter.matches(subject)
    }

    let reparsed: Filter
    do {
        reparsed = try Filter.parse(filter.text)
    } catch {
        fatalError("filter property violated: canonical text \(filter.text.debugDescription) of \(text.debugDescription) does not parse: \(error.message)")
    }
    check(reparsed == filter,
          "canonical text \(filter.text.debugDescription) of \(text.debugDescription) parses to a different filter, \(reparsed.text.debugDescription)")
    check(reparsed.text == filter.text,
          "canonical text is not stable: \(filter.text.debugDescription) becomes \(reparsed.text.debugDescription)")
    return 0
}
