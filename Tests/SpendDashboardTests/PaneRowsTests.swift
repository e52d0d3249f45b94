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

    /// 600 users with repeated requests and latencies and names that differ in case, some of
    /// them non-ASCII. The first rows of a frame come from a partial sort, so each position is
    /// checked against a full stable sort of the same rows.
    @Test(arguments: [SortOrder.requests, .latency, .name])
    func partialOrderMatchesFullSort(sort: SortOrder) {
        let names = ["user_7", "User_7", "ÉLODIE", "élodie", "zoë", "Zoë", "amy", "AMY", "b", "ab", "Ab", "a"]
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let users = (0..<600).map { index in
            Sample.row("\(names[next(names.count)])\(next(4) == 0 ? "" : String(index % 50))", Double(600 - index), requests: Int64(next(20)), p95: Int64(next(30) * 100))
        }
        let expected = users.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            switch sort {
            case .requests where a.requests != b.requests: return a.requests > b.requests
            case .latency where a.latency.p95 != b.latency.p95: return a.latency.p95 > b.latency.p95
            case .name where (a.key ?? "").lowercased() != (b.key ?? "").lowercased(): return (a.key ?? "").lowercased() < (b.key ?? "").lowercased()
            default: return left.offset < right.offset
            }
        }.map(\.element.key)

        var result = Sample.result
        result.rows[.user] = users
        let rows = PaneRows(data: DashboardData(result: result, nowMs: Sample.nowMs), sort: sort, redactsUsers: false)
        // Positions near the top come from the heap, and those past an eighth of the rows from a full sort.
        for position in Array(0..<40) + [74, 75, 76, 300, 599] {
            #expect(rows.drillTarget(in: .users, at: position)?.value == expected[position], "position \(position)")
        }
        #expect(rows.drillTarget(in: .users, at: 600) == nil)
    }
}
