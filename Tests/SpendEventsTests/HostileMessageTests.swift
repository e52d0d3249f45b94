import XCTest
@testable import SpendEvents

/// Each hostile message of docs/hostile-input.md, with its stated outcome.
final class HostileMessageTests: XCTestCase {
    func assertSkipped(_ text: String, _ reason: SkipReason, _ detail: String, file: StaticString = #filePath, line: UInt = #line) {
        let (event, actualReason, actualDetail) = decode(text)
        XCTAssertNil(event, file: file, line: line)
        XCTAssertEqual(actualReason, reason, file: file, line: line)
        XCTAssertEqual(actualDetail, detail, file: file, line: line)
    }

    func testTenMegabyteValueIsSkippedUnparsed() {
        let huge = envelope(data: baseData + ", \"metadata\": {\"prompt\": \"" + String(repeating: "a", count: 10 << 20) + "\"}")
        assertSkipped(huge, .invalid, "message is larger than the size limit")
    }

    func testTenThousandLevelsOfNesting() {
        let objects = String(repeating: "{\"a\": ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        assertSkipped(envelope(data: baseData + ", \"metadata\": \(objects)"), .invalid, "message is nested too deeply")
    }

    func testNaNAndInfinity() {
        for token in ["NaN", "Infinity", "-Infinity"] {
            assertSkipped(envelope(data: baseData.replacing("2140", with: token)), .notJSON, "message NaN or Infinity is not JSON")
        }
    }

    func testNumberWhereStringBelongsAndReverse() {
        assertSkipped(envelope(data: baseData.replacing("\"cj_assessment_service\"", with: "17")), .invalid, "data.service_name is not a string")
        assertSkipped(envelope(data: baseData.replacing("2140", with: "\"fast\"")), .invalid, "data.response_time_ms is not a number")
    }

    func testNegativeCostAndLatencyAreSkipped() {
        assertSkipped(envelope(data: baseData.replacing("0.039795", with: "-0.01")), .invalid, "data.cost_estimate_usd is negative")
        assertSkipped(envelope(data: baseData.replacing("2140", with: "-5")), .invalid, "data.response_time_ms is negative")
    }

    func testHugeNumbersAreOutOfRange() {
        assertSkipped(envelope(data: baseData.replacing("0.039795", with: "1e308")), .invalid, "data.cost_estimate_usd is out of range")
        assertSkipped(envelope(data: baseData.replacing("1843", with: "9223372036854775808")), .invalid, "data.token_usage.prompt_tokens is out of range")
        assertSkipped(envelope(data: baseData.replacing("2140", with: "4294967296")), .invalid, "data.response_time_ms is out of range")
        XCTAssertEqual(decode(envelope(data: baseData.replacing("2140", with: "4294967295"))).0?.latencyMilliseconds, 4_294_967_295)
    }

    func testYear1970IsAccepted() {
        let event = decode(envelope(timestamp: "\"1970-01-01T00:00:00Z\"", data: baseData)).0
        XCTAssertEqual(event?.timeMilliseconds, 0)
    }

    func testEmptyEventIDIsSkipped() {
        assertSkipped(envelope(eventID: "\"\"", data: baseData), .invalid, "event_id is empty")
    }

    func testDuplicateKeysKeepTheLastValue() {
        let event = decode(envelope(data: baseData + ", \"cost_estimate_usd\": 0.5")).0
        XCTAssertEqual(event?.cost, Money(micros: 500_000))
    }

    func testEmptyModelIsAcceptedAsIs() {
        let event = decode(envelope(data: baseData.replacing("\"claude-haiku-4-5-20251001\"", with: "\"\""))).0
        XCTAssertEqual(event?.model, "")
    }

    func testFarFutureTimestampIsSkipped() {
        assertSkipped(envelope(timestamp: "\"2999-01-01T00:00:00Z\"", data: baseData), .invalid, "event_timestamp is more than a day in the future")
    }

    func testTruncatedMessagesAtEveryLength() {
        let bytes = Array(envelope(data: baseData).utf8)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            let result = prefix.withUnsafeBufferPointer { MessageDecoder().decode($0, wallClockMilliseconds: wallClock) }
            guard case .skipped(let reason, _) = result else {
                return XCTFail("a message truncated to \(length) bytes was accepted")
            }
            XCTAssertEqual(reason, .notJSON, "length \(length)")
        }
    }
}
