import SpendAggregation
import SpendDashboard
import Testing

/// The order of a table pane's rows under each sort, read through the public drill targets.
@Suite struct PaneRowsTests {
    /// Users in the engine's spend order, with ties in requests and latency, and names that
    /// differ only in case.
    static let users = [
        Sample.row("bob", 50, requests: 10, p95: 300),
        Sample.row("Alice", 40, requests: 30, p95: 300),
        Sample.row("carol", 30, requests: 10, p95: 900),
        Sample.row("alice", 20, requests: 30, p95: 100),
        Sample.row("Bob", 10, requests: 5, p95: 900),
    ]

    static func order(_ sort: SortOrder) -> [String?] {
        var result = Sample.result
        result.rows[.user] = users
        let rows = PaneRows(data: DashboardData(result: result, nowMs: Sample.nowMs), sort: sort, redactsUsers: false)
        return (0..<rows.count(in: .users)).map { rows.drillTarget(in: .users, at: $0)?.value }
    }

    @Test func spendKeepsEngineOrder() {
        #expect(Self.order(.spend) == ["bob", "Alice", "carol", "alice", "Bob"])
    }

    @Test func requestsDescendingTiesInSpendOrder() {
        #expect(Self.order(.requests) == ["Alice", "alice", "bob", "carol", "Bob"])
    }

    @Test func latencyDescendingTiesInSpendOrder() {
        #expect(Self.order(.latency) == ["carol", "Bob", "bob", "Alice", "alice"])
    }

    @Test func nameIgnoresCaseTiesInSpendOrder() {
        #expect(Self.order(.name) == ["Alice", "alice", "bob", "Bob", "carol"])
    }
}
