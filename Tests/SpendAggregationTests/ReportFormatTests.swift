import XCTest
@testable import SpendAggregation
import SpendEvents

final class ReportFormatTests: XCTestCase {
    func testRowWithExtremeNumbers() {
        let row = ReportRow(
            key: "teacher_0042", requests: Int64.max, spend: Money(micros: -1_500_000), cacheHits: 0,
            cacheSavings: Money(micros: 7), cacheSavingsEstimated: true, promptTokens: Int64.min,
            completionTokens: 10, totalTokens: 1_000_000, cachedTokens: 9,
            latency: LatencySummary(p50: 0, p90: 99, p95: 100, p99: 12_345, max: 4_294_967_295)
        )
        let expected = "{\"key\": \"teacher_0042\", \"requests\": 9223372036854775807, \"spend_usd\": -1.500000, "
            + "\"cache_hits\": 0, \"cache_savings_usd\": 0.000007, \"cache_savings_estimated\": true, "
            + "\"prompt_tokens\": -9223372036854775808, \"completion_tokens\": 10, \"total_tokens\": 1000000, "
            + "\"cached_tokens\": 9, \"latency_ms\": {\"p50\": 0, \"p90\": 99, \"p95\": 100, \"p99\": 12345, \"max\": 4294967295}}"
        XCTAssertEqual(ReportFormat.jsonRow(row), expected)
    }

    /// Money is written as Money.decimalString writes it, for amounts of every digit count.
    func testMoneyMatchesDecimalString() {
        for micros: Int64 in [0, 1, 9, 10, 999_999, 1_000_000, 1_000_001, 123_456_789, -1, -999_999, Int64.max, Int64.min + 1] {
            let row = ReportRow(key: nil, spend: Money(micros: micros))
            let text = ReportFormat.jsonRow(row)
            XCTAssertTrue(text.contains("\"spend_usd\": \(Money(micros: micros).decimalString),"), "\(micros): \(text)")
        }
    }

    func testKeysAreEscaped() {
        XCTAssertEqual(ReportFormat.jsonString("plain_key"), "\"plain_key\"")
        XCTAssertEqual(ReportFormat.jsonString("a\"b\\c"), "\"a\\\"b\\\\c\"")
        XCTAssertEqual(ReportFormat.jsonString("line\nfeed\r\ttab\u{01}"), "\"line\\nfeed\\r\\ttab\\u0001\"")
        XCTAssertEqual(ReportFormat.jsonString("lärare ✓ 😀"), "\"lärare ✓ 😀\"")
        XCTAssertEqual(ReportFormat.jsonString(""), "\"\"")
    }

    /// A document far larger than the first buffer, so the buffer grows several times.
    func testLargeDocumentKeepsEveryRow() {
        var rows: [ReportRow] = []
        for index in 0..<5_000 {
            rows.append(ReportRow(key: "user_\(index)", requests: Int64(index)))
        }
        let result = QueryResult(
            window: .all, start: nil, end: 0, filter: "", counts: IngestCounts(), total: ReportRow(key: nil), rows: [.user: rows]
        )
        let document = ReportFormat.json(result)
        XCTAssertTrue(document.hasSuffix("  }\n}\n"))
        for index in [0, 1, 2_500, 4_999] {
            XCTAssertTrue(document.contains("{\"key\": \"user_\(index)\", \"requests\": \(index), "), "row \(index)")
        }
        XCTAssertEqual(document.components(separatedBy: "\"key\": \"user_").count - 1, 5_000)
    }
}
