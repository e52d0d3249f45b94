import Foundation
import SpendAggregation
import SpendDashboard
import SpendEvents
import Testing

/// Hand-made dashboard data with round numbers, fixed at 2023-11-14 22:13:20 UTC.
enum Sample {
    static let nowMs: Int64 = 1_700_000_000_000

    static func dollars(_ value: Double) -> Money {
        Money(micros: Int64((value * 1_000_000).rounded()))
    }

    static func row(_ key: String?, _ spend: Double, requests: Int64, p95: Int64, cacheHits: Int64 = 0) -> ReportRow {
        ReportRow(
            key: key, requests: requests, spend: dollars(spend), cacheHits: cacheHits, cacheSavings: dollars(spend / 10),
            latency: LatencySummary(p50: p95 / 2, p90: p95 * 4 / 5, p95: p95, p99: p95 * 2, max: p95 * 3)
        )
    }

    static var result: QueryResult {
        var rows: [SpendAggregation.Dimension: [ReportRow]] = [:]
        rows[.provider] = [
            row("anthropic", 600, requests: 3_000, p95: 2_400, cacheHits: 600),
            row("openai", 300, requests: 5_000, p95: 1_500, cacheHits: 500),
            row("google", 100, requests: 2_000, p95: 900),
        ]
        rows[.model] = [
            row("claude-sonnet-4", 450, requests: 2_000, p95: 2_600, cacheHits: 400),
            row("gpt-4o", 250, requests: 3_000, p95: 1_700, cacheHits: 500),
            row("claude-haiku-3-5", 150, requests: 1_000, p95: 800, cacheHits: 200),
            row("gemini-1.5-pro", 100, requests: 2_000, p95: 900),
            row("gpt-4o-mini", 50, requests: 2_000, p95: 600),
        ]
        rows[.service] = [
            row("cj_assessment_service", 700, requests: 6_000, p95: 2_000, cacheHits: 900),
            row("chat_frontend", 300, requests: 4_000, p95: 1_200, cacheHits: 200),
        ]
        rows[.organization] = [
            row("acme", 500, requests: 4_000, p95: 1_800, cacheHits: 500),
            row("globex", 250, requests: 3_000, p95: 1_600, cacheHits: 300),
            row("Acme Labs", 150, requests: 2_000, p95: 1_400, cacheHits: 200),
            row("東京商事", 60, requests: 600, p95: 1_000),
            row(nil, 40, requests: 400, p95: 700, cacheHits: 100),
        ]
        rows[.user] = [
            row("alice@acme.example", 300, requests: 1_500, p95: 1_900, cacheHits: 300),
            row("bob@globex.example", 200, requests: 1_000, p95: 1_200),
            row(nil, 500, requests: 7_500, p95: 1_700, cacheHits: 800),
        ]
        var counts = IngestCounts()
        counts.messages = 10_250
        counts.events = 10_000
        counts.duplicates = 5
        counts.late = 0
        counts.skipped = [.notJSON: 0, .otherEventType: 200, .invalid: 45]
        let total = ReportRow(
            key: nil, requests: 10_000, spend: dollars(1_000), cacheHits: 1_100, cacheSavings: dollars(85.5),
            cacheSavingsEstimated: true, latency: LatencySummary(p50: 800, p90: 1_900, p95: 2_200, p99: 4_100, max: 9_000)
        )
        return QueryResult(window: .fiveMinutes, start: nowMs / 1_000 - 300, end: nowMs / 1_000, filter: "", counts: counts, total: total, rows: rows)
    }

    static var tail: [TailLine] {
        [
            TailLine(timeMs: nowMs - 400, provider: "anthropic", model: "claude-sonnet-4", organization: "acme", user: "alice@acme.example", cost: dollars(0.0312), latencyMs: 2_100, cached: false),
            TailLine(timeMs: nowMs - 1_900, provider: "openai", model: "gpt-4o", organization: "globex", user: "bob@globex.example", cost: dollars(0), latencyMs: 40, cached: true),
            TailLine(timeMs: nowMs - 3_250, provider: "google", model: "gemini-1.5-pro", organization: nil, user: nil, cost: dollars(0.0045), latencyMs: 870, cached: false),
        ]
    }

    static var budgets: [BudgetStatus] {
        [
            BudgetStatus(scope: "total", spent: dollars(1_000), limit: dollars(2_000), period: "day", burnRatePerMinute: dollars(3.5), projectedExhaustion: 17_100),
            BudgetStatus(scope: "org:acme", spent: dollars(56), limit: dollars(50), period: "day", burnRatePerMinute: dollars(0.4), projectedExhaustion: nil),
            BudgetStatus(scope: "org:globex", spent: dollars(42), limit: dollars(50), period: "day", burnRatePerMinute: dollars(0.1), projectedExhaustion: 4_800),
        ]
    }

    /// Spend per minute for the last 30 minutes: a ramp with a spike near the end.
    static var timeline: [Money] {
        (0..<30).map { index in dollars(index == 27 ? 12 : Double(index % 10) + 1) }
    }

    static var data: DashboardData {
        DashboardData(
            result: result,
            freshness: Freshness(eventsPerSecond: 33.3, lag: 12, newestEventAgeSeconds: 0.4, connection: "connected", health: .connected, source: "localhost:9092 cost-tracking"),
            rates: SpendRates(burnPerMinute: dollars(3.5), projectedEndOfHour: dollars(1_120), projectedEndOfDay: dollars(6_040), requestsPerSecond: 33.3),
            nowMs: nowMs, localOffsetSeconds: 3_600, timeline: timeline, timelineBucketSeconds: 60,
            tail: tail, budgets: budgets, organizations: ["acme", "globex", "Acme Labs", "initech", "東京商事"]
        )
    }

    static func render(_ view: ViewState = ViewState(), data: DashboardData = data, width: Int, height: Int, options: RenderOptions = RenderOptions()) -> [String] {
        TextRenderer.plainLines(DashboardRenderer.render(data: data, view: view, width: width, height: height, options: options))
    }
}

/// Compares a rendered screen with its expected lines, one expectation per differing line so
/// a failure names the row. With SPENDTOP_WRITE_GOLDENS set, also writes the actual screen as
/// a Swift array literal to /tmp/spendtop-goldens/NAME.swift for review.
func expectScreen(_ actual: [String], _ expected: [String], name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if ProcessInfo.processInfo.environment["SPENDTOP_WRITE_GOLDENS"] != nil {
        let folder = "/tmp/spendtop-goldens"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let literal = actual.map { line in
            "            \"" + line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\","
        }.joined(separator: "\n")
        try? literal.write(toFile: "\(folder)/\(name).swift", atomically: true, encoding: .utf8)
    }
    #expect(actual.count == expected.count, "row count", sourceLocation: sourceLocation)
    for (index, (got, want)) in zip(actual, expected).enumerated() where got != want {
        Issue.record("row \(index):\n  got:      |\(got)|\n  expected: |\(want)|", sourceLocation: sourceLocation)
    }
}
