import XCTest
@testable import SpendEvents

/// A wall clock well after the fixtures' times, so none of them is in the future.
let wallClock: Int64 = 1_800_000_000_000

/// Decodes `text` and returns the result with the event copied out of the bytes.
func decode(_ text: String, topic: String? = nil, decoder: MessageDecoder = MessageDecoder()) -> (CostEvent?, SkipReason?, String?) {
    var copy = text
    return copy.withUTF8 { bytes in
        switch decoder.decode(bytes, topic: topic, wallClockMilliseconds: wallClock) {
        case .event(let fields):
            return (CostEvent(fields, in: bytes), nil, nil)
        case .skipped(let reason, let detail):
            return (nil, reason, detail.description)
        }
    }
}

/// A valid cost event whose data fields can be replaced: `data` is spliced in as raw JSON text.
func envelope(
    eventID: String = "\"e1\"", timestamp: String = "\"2026-02-09T08:14:21.924582Z\"", data: String
) -> String {
    "{\"event_id\": \(eventID), \"event_type\": \"llm_provider.cost.tracking\", \"event_timestamp\": \(timestamp), "
        + "\"source_service\": \"llm_provider_service\", \"schema_version\": 1, \"data\": {\(data)}, \"metadata\": null}"
}

let baseData = "\"provider\": \"anthropic\", \"model\": \"claude-haiku-4-5-20251001\", \"request_type\": \"comparison\", "
    + "\"cost_estimate_usd\": 0.039795, \"token_usage\": {\"prompt_tokens\": 1843, \"completion_tokens\": 162, \"total_tokens\": 2005}, "
    + "\"user_id\": \"teacher_0042\", \"organization_id\": \"school_norrvik_upper\", \"service_name\": \"cj_assessment_service\", "
    + "\"request_timestamp\": \"2026-02-09T08:14:19.775582Z\", \"response_time_ms\": 2140"

final class MessageDecoderTests: XCTestCase {
    func testEveryFixtureLineIsAccepted() throws {
        for name in ["cost_tracking.jsonl", "cost_tracking_edge.jsonl"] {
            let lines = try FixtureFiles.lines(name)
            XCTAssertGreaterThan(lines.count, 0)
            for (number, line) in lines.enumerated() {
                let (event, reason, detail) = decode(line)
                XCTAssertNotNil(event, "\(name) line \(number + 1) skipped: \(reason?.rawValue ?? "") \(detail ?? "")")
            }
        }
    }

    func testRequestCompletedIsOtherEventType() throws {
        for line in try FixtureFiles.lines("request_completed.jsonl") {
            XCTAssertEqual(decode(line).1, .otherEventType)
            XCTAssertEqual(decode(line, topic: KnownTopic.requestCompleted).1, .otherEventType)
        }
    }

    func testFirstFixtureFields() throws {
        let line = try FixtureFiles.lines("cost_tracking.jsonl")[0]
        let event = try XCTUnwrap(decode(line).0)
        XCTAssertEqual(event.eventID, "1272758e-c8e2-46b1-a43a-13fd992f835b")
        XCTAssertEqual(event.provider, "anthropic")
        XCTAssertEqual(event.model, "claude-haiku-4-5-20251001")
        XCTAssertEqual(event.service, "cj_assessment_service")
        XCTAssertEqual(event.organization, "school_norrvik_upper")
        XCTAssertEqual(event.user, "teacher_0042")
        XCTAssertEqual(event.requestType, "comparison")
        XCTAssertEqual(event.cost, Money(micros: 39_795))
        XCTAssertEqual(event.promptTokens, 1843)
        XCTAssertEqual(event.completionTokens, 162)
        XCTAssertEqual(event.totalTokens, 2005)
        XCTAssertEqual(event.latencyMilliseconds, 2140)
        XCTAssertFalse(event.cached)
        // 2026-02-09T08:14:21.924Z
        XCTAssertEqual(event.timeMilliseconds, 1_770_624_861_924)
    }

    func testTimestampForms() {
        let utc = decode(envelope(timestamp: "\"2026-02-09T08:14:21Z\"", data: baseData)).0?.timeMilliseconds
        XCTAssertEqual(utc, 1_770_624_861_000)
        let offset = decode(envelope(timestamp: "\"2026-02-09T09:14:21.5+01:00\"", data: baseData)).0?.timeMilliseconds
        XCTAssertEqual(offset, 1_770_624_861_500)
        let naive = decode(envelope(timestamp: "\"2026-02-09T08:14:21.123456\"", data: baseData)).0?.timeMilliseconds
        XCTAssertEqual(naive, 1_770_624_861_123)
        let negative = decode(envelope(timestamp: "\"2026-02-09T03:14:21-05:00\"", data: baseData)).0?.timeMilliseconds
        XCTAssertEqual(negative, 1_770_624_861_000)
    }

    func testMissingEventTimestampFallsBackToRequestTimestamp() {
        let text = "{\"event_id\": \"e1\", \"data\": {\(baseData)}}"
        XCTAssertEqual(decode(text).0?.timeMilliseconds, 1_770_624_859_775)
    }

    func testPythonFloatForms() {
        let cases: [(String, Int64)] = [
            ("0.0", 0), ("5e-05", 50), ("0.015014999999999997", 15_015), ("1", 1_000_000),
            ("2.5E+2", 250_000_000), ("0.0000004", 0), ("0.0000005", 1), ("12.3456789", 12_345_679),
        ]
        for (number, micros) in cases {
            let data = baseData.replacing("\"cost_estimate_usd\": 0.039795", with: "\"cost_estimate_usd\": \(number)")
            XCTAssertEqual(decode(envelope(data: data)).0?.cost.micros, micros, number)
        }
    }

    func testMissingOptionalFieldsAndNulls() throws {
        let data = "\"provider\": \"anthropic\", \"model\": \"unknown\", \"cost_estimate_usd\": 0.0, "
            + "\"token_usage\": {}, \"user_id\": null, \"organization_id\": null, \"response_time_ms\": 5"
        let event = try XCTUnwrap(decode(envelope(data: data)).0)
        XCTAssertNil(event.user)
        XCTAssertNil(event.organization)
        XCTAssertNil(event.service)
        XCTAssertNil(event.requestType)
        XCTAssertEqual(event.totalTokens, 0)
    }

    func testTotalTokensDefaultsToSum() throws {
        let data = baseData.replacing(", \"total_tokens\": 2005", with: ", \"reasoning_tokens\": 7")
        let event = try XCTUnwrap(decode(envelope(data: data)).0)
        XCTAssertEqual(event.totalTokens, 2005)
    }

    func testExtraFieldsAndUnknownValuesAreAccepted() throws {
        let data = baseData.replacing("\"anthropic\"", with: "\"local_llm\"")
            .replacing("\"comparison\"", with: "\"embedding\"") + ", \"new_field\": [1, {\"a\": [true, null]}]"
        let text = envelope(data: data).replacing("\"schema_version\": 1", with: "\"schema_version\": 7, \"extra\": {\"x\": 1}")
        let event = try XCTUnwrap(decode(text).0)
        XCTAssertEqual(event.provider, "local_llm")
        XCTAssertEqual(event.requestType, "embedding")
    }

    func testCacheHitForms() throws {
        let flagged = try XCTUnwrap(decode(envelope(data: baseData + ", \"cached\": true, \"cache_cost_savings_usd\": 0.04")).0)
        XCTAssertTrue(flagged.cached)
        XCTAssertEqual(flagged.cacheSavings, Money(micros: 40_000))
        let byMetadata = try XCTUnwrap(decode(envelope(data: baseData + ", \"metadata\": {\"cache_key\": \"k\", \"cached\": true}")).0)
        XCTAssertTrue(byMetadata.cached)
        XCTAssertNil(byMetadata.cacheSavings)
        let notCached = try XCTUnwrap(decode(envelope(data: baseData + ", \"metadata\": {\"cached\": false}")).0)
        XCTAssertFalse(notCached.cached)
    }

    func testEscapedTextIsUnescaped() throws {
        let data = baseData.replacing("\"teacher_0042\"", with: "\"l\\u00e4rare \\\"7\\\"\"")
        let event = try XCTUnwrap(decode(envelope(data: data)).0)
        XCTAssertEqual(event.user, "lärare \"7\"")
    }

    func testNotJSONReasons() {
        let cases = [
            "hello", "", "{\"event_id\": \"e1\"", envelope(data: baseData) + " trailing",
            envelope(data: baseData.replacing("0.039795", with: "NaN")),
            envelope(data: baseData.replacing("0.039795", with: "Infinity")),
            envelope(data: baseData.replacing("0.039795", with: "-Infinity")),
            "[1, 2]", "{\"a\": 01}", "{\"a\": \"bad \\x escape\"}",
        ]
        for text in cases {
            XCTAssertEqual(decode(text).1, .notJSON, text)
        }
    }

    func testInvalidUTF8IsNotJSON() {
        var bytes = Array(envelope(data: baseData).utf8)
        let index = bytes.firstIndex(of: UInt8(ascii: "t"))!
        bytes[index] = 0xC3
        bytes[index + 1] = 0x28
        let result = bytes.withUnsafeBufferPointer { MessageDecoder().decode($0, wallClockMilliseconds: wallClock) }
        guard case .skipped(let reason, _) = result else { return XCTFail("accepted invalid UTF-8") }
        XCTAssertEqual(reason, .notJSON)
    }

    func testWrongTypesAreInvalidAndNameTheField() {
        let cases: [(String, String)] = [
            (baseData.replacing("0.039795", with: "\"0.039795\""), "data.cost_estimate_usd is not a number"),
            (baseData.replacing("2140", with: "\"2140\""), "data.response_time_ms is not a number"),
            (baseData.replacing("\"anthropic\"", with: "42"), "data.provider is not a string"),
            (baseData.replacing("1843", with: "18.5"), "data.token_usage.prompt_tokens is not a whole number"),
            (baseData.replacing("0.039795", with: "-0.5"), "data.cost_estimate_usd is negative"),
            (baseData.replacing("0.039795", with: "1e308"), "data.cost_estimate_usd is out of range"),
            (baseData.replacing("1843", with: "9223372036854775808"), "data.token_usage.prompt_tokens is out of range"),
            (baseData.replacing("\"provider\": \"anthropic\", ", with: ""), "data.provider is missing"),
        ]
        for (data, detail) in cases {
            let (event, reason, message) = decode(envelope(data: data))
            XCTAssertNil(event, detail)
            XCTAssertEqual(reason, .invalid, detail)
            XCTAssertEqual(message, detail)
        }
    }

    func testEmptyEventIDIsInvalid() {
        XCTAssertEqual(decode(envelope(eventID: "\"\"", data: baseData)).2, "event_id is empty")
    }

    func testFutureTimestampIsInvalid() {
        let decoder = MessageDecoder()
        var text = envelope(timestamp: "\"2027-03-20T00:00:00Z\"", data: baseData)
        let result = text.withUTF8 { decoder.decode($0, wallClockMilliseconds: 1_773_000_000_000) }
        guard case .skipped(let reason, let detail) = result else { return XCTFail("accepted a future event") }
        XCTAssertEqual(reason, .invalid)
        XCTAssertEqual(detail.description, "event_timestamp is more than a day in the future")
    }

    func testOversizedMessageIsInvalid() {
        let decoder = MessageDecoder(maxMessageBytes: 100)
        let (_, reason, detail) = decode(envelope(data: baseData), decoder: decoder)
        XCTAssertEqual(reason, .invalid)
        XCTAssertEqual(detail, "message is larger than the size limit")
    }

    func testDeepNestingIsRejectedWithoutRecursion() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let (_, reason, detail) = decode(envelope(data: baseData + ", \"metadata\": \(deep)"))
        XCTAssertEqual(reason, .invalid)
        XCTAssertEqual(detail, "message is nested too deeply")
    }

    func testDuplicateKeysKeepTheLast() throws {
        let event = try XCTUnwrap(decode(envelope(data: baseData + ", \"provider\": \"openai\"")).0)
        XCTAssertEqual(event.provider, "openai")
    }

    func testOtherEventTypeByShape() {
        let text = "{\"event_id\": \"e1\", \"event_type\": \"llm_provider.request_completed.v1\", "
            + "\"event_timestamp\": \"2026-02-09T08:14:21Z\", \"data\": {\"provider\": \"anthropic\", \"success\": true, \"cost_estimate\": 0.1}}"
        XCTAssertEqual(decode(text).1, .otherEventType)
    }

    func testCostTopicForcesCostKind() {
        let text = "{\"event_id\": \"e1\", \"event_type\": \"something_else\", \"data\": {\"provider\": \"anthropic\"}}"
        XCTAssertEqual(decode(text).1, .otherEventType)
        XCTAssertEqual(decode(text, topic: KnownTopic.costTracking).1, .invalid)
    }
}
