import XCTest
@testable import SpendAggregation
import SpendEvents

final class StoredRecordTests: XCTestCase {
    private func record(
        user: UInt32 = 7, organization: UInt32 = 3, group: UInt32 = 2, latency: UInt32 = 1_234,
        prompt: UInt32 = 900, completion: UInt32 = 100, total: UInt32? = nil, estimated: Bool = false,
        cost: Int64 = 4_500, savings: Int64 = 0
    ) -> WindowRecord {
        WindowRecord(
            user: user, organization: organization, group: group, latencyMilliseconds: latency,
            promptTokens: prompt, completionTokens: completion, totalTokens: total ?? prompt + completion,
            savingsEstimated: estimated, costMicros: cost, savingsMicros: savings
        )
    }

    private func assertSameRecord(_ lhs: WindowRecord, _ rhs: WindowRecord, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(lhs.user, rhs.user, file: file, line: line)
        XCTAssertEqual(lhs.organization, rhs.organization, file: file, line: line)
        XCTAssertEqual(lhs.group, rhs.group, file: file, line: line)
        XCTAssertEqual(lhs.latencyMilliseconds, rhs.latencyMilliseconds, file: file, line: line)
        XCTAssertEqual(lhs.promptTokens, rhs.promptTokens, file: file, line: line)
        XCTAssertEqual(lhs.completionTokens, rhs.completionTokens, file: file, line: line)
        XCTAssertEqual(lhs.totalTokens, rhs.totalTokens, file: file, line: line)
        XCTAssertEqual(lhs.savingsEstimated, rhs.savingsEstimated, file: file, line: line)
        XCTAssertEqual(lhs.costMicros, rhs.costMicros, file: file, line: line)
        XCTAssertEqual(lhs.savingsMicros, rhs.savingsMicros, file: file, line: line)
    }

    func testSixteenBytes() {
        XCTAssertEqual(MemoryLayout<StoredRecord>.stride, 16)
    }

    func testLargestValuesRoundTrip() throws {
        let paid = record(
            user: StoredRecord.userLimit - 1, organization: StoredRecord.organizationLimit - 1,
            group: StoredRecord.groupLimit - 1, latency: StoredRecord.latencyLimit - 1,
            prompt: StoredRecord.promptLimit - 1, completion: StoredRecord.completionLimit - 1,
            cost: StoredRecord.costLimit - 1
        )
        assertSameRecord(try XCTUnwrap(StoredRecord(paid, cached: false)).expanded(cached: false), paid)

        let hit = record(prompt: 0, completion: 0, total: StoredRecord.promptLimit - 1, estimated: true, cost: 0, savings: StoredRecord.costLimit - 1)
        assertSameRecord(try XCTUnwrap(StoredRecord(hit, cached: true)).expanded(cached: true), hit)
        let given = record(prompt: 0, completion: 0, total: 12, cost: 0, savings: 0)
        assertSameRecord(try XCTUnwrap(StoredRecord(given, cached: true)).expanded(cached: true), given)
    }

    func testOversizedValuesDoNotFit() {
        let cases: [(String, WindowRecord, Bool)] = [
            ("user id", record(user: StoredRecord.userLimit), false),
            ("organization id", record(organization: StoredRecord.organizationLimit), false),
            ("group id", record(group: StoredRecord.groupLimit), false),
            ("latency", record(latency: StoredRecord.latencyLimit), false),
            ("prompt tokens", record(prompt: StoredRecord.promptLimit), false),
            ("completion tokens", record(completion: StoredRecord.completionLimit), false),
            ("total other than the sum", record(total: 5), false),
            ("cost", record(cost: StoredRecord.costLimit), false),
            ("negative cost", record(cost: -1), false),
            ("cache hit with a cost", record(cost: 1), true),
            ("cache hit savings", record(cost: 0, savings: StoredRecord.costLimit), true),
            ("cache hit tokens", record(total: StoredRecord.promptLimit, cost: 0), true),
        ]
        for (name, wide, cached) in cases {
            XCTAssertNil(StoredRecord(wide, cached: cached), name)
        }
    }
}

final class AllTimeTotalsTests: XCTestCase {
    let base: Int64 = 1_770_624_000

    /// Events of 12 users in 3 organizations over 20 hours, with cache hits, two models,
    /// missing keys and values that need the wide record form.
    private func mixedTraffic() -> [String] {
        var messages: [String] = []
        for index in 0..<600 {
            let second = base + Int64(index) * 120
            let user: String? = index % 13 == 0 ? nil : "user\(index % 12)"
            let organization: String? = index % 17 == 0 ? nil : "org\(index % 3)"
            let model = index % 4 == 0 ? "gpt-5" : "claude-haiku-4-5"
            let provider = index % 4 == 0 ? "openai" : "anthropic"
            let cached = index % 5 == 0
            var cost = cached ? "0.0" : "0.00\(index % 9 + 1)"
            var latency = 50 + (index * 37) % 9_000
            var savings: String? = cached && index % 2 == 0 ? "0.000\(index % 7 + 1)" : nil
            var total: Int?
            switch index % 50 {
            case 7: cost = "25.5"
            case 11: latency = 3_000_000
            case 19: total = 99
            case 25: savings = "20.000001"
            default: break
            }
            messages.append(costMessage(
                id: "e\(index)", second: second, provider: provider, model: model, organization: organization,
                user: user, cost: cost, latency: latency, cached: cached, savings: savings,
                prompt: 100 + index, completion: 10 + index % 30, total: total
            ))
        }
        return messages
    }

    private let filters = [
        "", "org=org1", "user=user3", "user=user3 or provider=openai", "not cached=true and org!=org2",
        "model~gpt user!=-", "org=- or user=-", "(user~1 or user~2) org~org",
    ]

    func testEvictedAllEqualsUnevicted() throws {
        let messages = mixedTraffic()
        let kept = SpendEngine()
        kept.ingestAll(messages)

        var capped = EngineConfiguration()
        capped.maxWindowRecords = 50
        let cappedEngine = SpendEngine(configuration: capped)
        cappedEngine.ingestAll(messages)

        var rolled = EngineConfiguration()
        rolled.clockFollowsEvents = false
        let rolledEngine = SpendEngine(configuration: rolled)
        rolledEngine.advanceClock(toMilliseconds: (base + 72_000) * 1000)
        rolledEngine.ingestAll(messages)
        rolledEngine.advanceClock(toMilliseconds: (base + 200_000) * 1000)
        XCTAssertEqual(rolledEngine.query(window: .oneDay).total.requests, 0)

        for text in filters {
            let filter = try Filter.parse(text)
            let expected = kept.query(window: .all, filter: filter)
            XCTAssertGreaterThan(expected.total.requests, 0, text)
            let fromCap = cappedEngine.query(window: .all, filter: filter)
            XCTAssertEqual(fromCap.total.withoutPercentiles, expected.total.withoutPercentiles, text)
            XCTAssertEqual(fromCap.rows.mapValues { $0.map(\.withoutPercentiles) }, expected.withoutPercentiles.rows, text)
            let fromClock = rolledEngine.query(window: .all, filter: filter)
            XCTAssertEqual(fromClock.total, expected.total.withoutPercentiles, text)
            XCTAssertEqual(fromClock.rows, expected.withoutPercentiles.rows, text)
        }
    }

    func testPercentilesOfAllCoverTheRollingWindows() {
        var configuration = EngineConfiguration()
        configuration.clockFollowsEvents = false
        let engine = SpendEngine(configuration: configuration)
        engine.advanceClock(toMilliseconds: base * 1000)
        engine.ingestAll([
            costMessage(id: "old", second: base - 10, latency: 9_000),
            costMessage(id: "new", second: base + 50_000, latency: 40),
        ])
        engine.advanceClock(toMilliseconds: (base + 90_000) * 1000)
        let all = engine.query(window: .all).total
        XCTAssertEqual(all.requests, 2)
        XCTAssertEqual(all.latency.p50, 40)
        XCTAssertEqual(all.latency.p99, 40)
        XCTAssertEqual(all.latency.max, 9_000)
    }

    func testCombinationsPastTheCapFoldUserThenOrganization() {
        var configuration = EngineConfiguration()
        configuration.clockFollowsEvents = false
        configuration.maxAllTimeCombinations = 8
        let engine = SpendEngine(configuration: configuration)
        engine.advanceClock(toMilliseconds: base * 1000)
        // 30 users in 3 organizations, one event each: 30 combinations for a cap of 8.
        engine.ingestAll((0..<30).map { index in
            costMessage(id: "c\(index)", second: base - 100 + Int64(index), organization: "org\(index % 3)", user: "user\(index)", cost: "1")
        })
        engine.advanceClock(toMilliseconds: (base + 90_000) * 1000)

        XCTAssertLessThanOrEqual(engine.allTime.count, 8 + 1 + engine.groups.count)
        XCTAssertEqual(engine.allTime.foldedEvents, 22)
        let result = engine.query(window: .all)
        XCTAssertEqual(result.total.requests, 30)
        XCTAssertEqual(result.total.spend, Money(micros: 30_000_000))
        let users = result.rows[.user] ?? []
        XCTAssertEqual(users.count, 9)
        XCTAssertEqual(users.first?.key, KeyInterner.otherKey)
        XCTAssertEqual(users.first?.requests, 22)
        // The ninth entry is the (other) user in one organization; the rest fold that too.
        let organizations = result.rows[.organization] ?? []
        XCTAssertEqual(organizations.reduce(0) { $0 + $1.requests }, 30)
        XCTAssertNotNil(result.row(.organization, KeyInterner.otherKey))
    }

    func testRepeatedGroupFoldsEachTime() {
        var configuration = EngineConfiguration()
        configuration.maxGroups = 1
        let engine = SpendEngine(configuration: configuration)
        engine.ingestAll([
            costMessage(id: "a", second: base, model: "m1", cost: "1"),
            costMessage(id: "b", second: base, model: "m2", cost: "2"),
            costMessage(id: "c", second: base, model: "m2", cost: "4"),
            costMessage(id: "d", second: base, model: "m1", cost: "8"),
        ])
        XCTAssertEqual(engine.groups.foldedOccurrences, 2)
        let result = engine.query(window: .all)
        XCTAssertEqual(result.row(.model, KeyInterner.otherKey)?.spend, Money(micros: 6_000_000))
        XCTAssertEqual(result.row(.model, "m1")?.spend, Money(micros: 9_000_000))
    }

    func testRepeatedKeyFoldsEachTime() {
        var configuration = EngineConfiguration()
        configuration.maxKeysPerDimension = 1
        let engine = SpendEngine(configuration: configuration)
        engine.ingestAll((0..<4).map { costMessage(id: "e\($0)", second: base, model: $0 == 0 ? "m1" : "m2", cost: "1") })
        XCTAssertEqual(engine.foldedOccurrences()[.model], 3)
        XCTAssertEqual(engine.query(window: .all).row(.model, KeyInterner.otherKey)?.requests, 3)
    }

    func testEscapedValueSharesGroup() {
        let engine = SpendEngine()
        engine.ingestAll([
            costMessage(id: "a", second: base, model: "m\\u0031", cost: "1"),
            costMessage(id: "b", second: base, model: "m1", cost: "2"),
            costMessage(id: "c", second: base, model: "m\\u0031", cost: "4"),
        ])
        XCTAssertEqual(engine.groups.count, 1)
        XCTAssertEqual(engine.query(window: .all).row(.model, "m1")?.requests, 3)
    }

    func testGroupsPastTheCapFoldIntoOther() {
        var configuration = EngineConfiguration()
        configuration.maxGroups = 2
        let engine = SpendEngine(configuration: configuration)
        engine.ingestAll([
            costMessage(id: "a", second: base, model: "m1", cost: "1"),
            costMessage(id: "b", second: base, model: "m2", cost: "2"),
            costMessage(id: "c", second: base, model: "m3", cost: "4"),
            costMessage(id: "d", second: base, model: "m4", cost: "8", cached: false),
        ])
        XCTAssertEqual(engine.groups.count, 3)
        XCTAssertEqual(engine.groups.foldedOccurrences, 2)
        let result = engine.query(window: .all)
        XCTAssertEqual(result.total.spend, Money(micros: 15_000_000))
        XCTAssertEqual(result.row(.model, KeyInterner.otherKey)?.spend, Money(micros: 12_000_000))
        XCTAssertEqual(result.row(.provider, KeyInterner.otherKey)?.requests, 2)
        XCTAssertEqual(result.row(.organization, "acme")?.requests, 4)
    }

    func testWideRecordsSumExactlyInEveryWindow() {
        let engine = SpendEngine()
        engine.ingestAll([
            costMessage(id: "cost", second: base, cost: "25.500001"),
            costMessage(id: "latency", second: base, latency: 3_000_000),
            costMessage(id: "tokens", second: base, prompt: 2_000_000, completion: 70_000, total: 2_070_001),
            costMessage(id: "hit", second: base, cost: "0.5", cached: true, savings: "30"),
            costMessage(id: "plain", second: base, cost: "0.25"),
        ])
        for window in [WindowLength.oneMinute, .all] {
            let total = engine.query(window: window).total
            XCTAssertEqual(total.requests, 5)
            XCTAssertEqual(total.spend, Money(micros: 25_500_001 + 10_000 * 2 + 10_000 + 500_000 + 250_000 - 10_000))
            XCTAssertEqual(total.cacheSavings, Money(micros: 30_000_000))
            XCTAssertEqual(total.promptTokens, 2_000_000 + 100 * 3)
            XCTAssertEqual(total.totalTokens, 2_070_001 + 150 * 3)
            XCTAssertEqual(total.latency.max, 3_000_000)
        }
    }
}

final class DenseHashSetTests: XCTestCase {
    func testFindsEveryInsertedHashAndNoOther() {
        var set = DenseHashSet()
        var random = SystemRandomNumberGenerator()
        var inserted: [UInt64] = []
        for _ in 0..<200_000 {
            let hash = random.next() | 1
            if !set.contains(hash) {
                set.insert(hash)
                inserted.append(hash)
            }
        }
        XCTAssertEqual(set.count, inserted.count)
        XCTAssertTrue(inserted.allSatisfy { set.contains($0) })
        let insertedSet = Set(inserted)
        let absent = (0..<200_000).map { _ in random.next() | 1 }.filter { !insertedSet.contains($0) }
        XCTAssertFalse(absent.contains { set.contains($0) })
        // Tables this small double, so the load is 0.475 to 0.95, plus the tails of the 64 shards.
        XCTAssertLessThan(Double(set.allocatedBytes) / Double(set.count), 8 / 0.47 + 8.0 / 64)
    }

    func testLargeSetStaysDense() {
        var set = DenseHashSet()
        var random = SystemRandomNumberGenerator()
        // Past 64 shards of `doublingLimit` home slots at the maximum load, tables grow by 1/16.
        let count = Int(Double(64 * OrderedHashTable.doublingLimit) * OrderedHashTable.maxLoad * 1.2)
        for _ in 0..<count {
            let hash = random.next() | 1
            if !set.contains(hash) { set.insert(hash) }
        }
        // Load 0.89 to 0.95, plus the tails of the shards.
        XCTAssertLessThan(Double(set.allocatedBytes) / Double(set.count), 8 / 0.88 + 8.0 / 64)
    }

    func testLongLastRunGrowsTail() {
        var set = DenseHashSet()
        let top: UInt64 = 0xFFFF_FFFF_FFFF_0000
        for offset in 0..<5_000 { set.insert(top + UInt64(offset)) }
        for offset in 0..<5_000 { XCTAssertTrue(set.contains(top + UInt64(offset))) }
        XCTAssertFalse(set.contains(top + 5_000))
        XCTAssertFalse(set.contains(1))
    }
}

final class LatencyCodeTests: XCTestCase {
    func testPercentilesEqualTheSketch() {
        var random = SystemRandomNumberGenerator()
        for size in [1, 2, 3, 10, 64, 65, 1_000] {
            var sketch = LatencySketch()
            var codes: [UInt16] = []
            var histogram = [UInt32](repeating: 0, count: LatencyCode.count)
            for _ in 0..<size {
                let latency = Int64(random.next(upperBound: UInt64(4))) == 0 ? 0 : Int64(random.next(upperBound: UInt64(200_000)))
                sketch.add(latency)
                codes.append(LatencyCode.code(of: latency))
                histogram[Int(LatencyCode.code(of: latency))] += 1
            }
            let sorted = codes.withUnsafeMutableBufferPointer { LatencyCode.percentiles(sorting: $0) }
            let counted = histogram.withUnsafeBufferPointer { LatencyCode.percentiles(histogram: $0, count: size) }
            for (percent, value) in [(50, sorted.p50), (90, sorted.p90), (95, sorted.p95), (99, sorted.p99)] {
                XCTAssertEqual(value, sketch.quantile(percent: percent), "size \(size), p\(percent)")
            }
            XCTAssertEqual(counted.p50, sorted.p50, "size \(size)")
            XCTAssertEqual(counted.p90, sorted.p90, "size \(size)")
            XCTAssertEqual(counted.p95, sorted.p95, "size \(size)")
            XCTAssertEqual(counted.p99, sorted.p99, "size \(size)")
        }
    }

    func testLargestLatencyHasACode() {
        XCTAssertLessThan(Int(LatencyCode.code(of: Int64(UInt32.max))), LatencyCode.count)
    }
}

final class RecordMatcherTests: XCTestCase {
    func testMatchesLikeTheFilterOnEveryCombination() throws {
        let users: [String?] = [nil, KeyInterner.otherKey, "ann", "bob", "carl", "dana"]
        let organizations: [String?] = [nil, KeyInterner.otherKey, "acme", "globex"]
        let providers: [String?] = [nil, KeyInterner.otherKey, "openai", "anthropic"]
        let groups = providers.indices.flatMap { provider in
            [false, true].map { KeyGroup(provider: UInt32(provider), model: 0, service: 0, requestType: 0, cached: $0) }
        }
        let values: (SpendAggregation.Dimension) -> [String?] = { dimension in
            switch dimension {
            case .user: return users
            case .organization: return organizations
            case .provider: return providers
            default: return [nil, KeyInterner.otherKey]
            }
        }
        let manyUserTerms = (0..<70).map { "user=u\($0)" }.joined(separator: " or ") + " or user=bob"
        let texts = [
            "", "user=ann", "org=acme", "user~a org!=globex", "user=bob or provider=openai",
            "not (user=ann or cached=true) and org=-", "user~a user~n or org~e", manyUserTerms,
        ]
        for text in texts {
            let filter = try Filter.parse(text)
            let matcher = RecordMatcher(filter: filter, keyValues: values, groups: groups)
            for (groupID, group) in groups.enumerated() {
                for user in users.indices {
                    for organization in organizations.indices {
                        let subject = FilterSubject(
                            provider: providers[Int(group.provider)], model: nil, service: nil,
                            organization: organizations[organization], user: users[user], requestType: nil,
                            cached: group.cached
                        )
                        XCTAssertEqual(
                            matcher.matches(user: user, organization: organization, group: groupID), filter.matches(subject),
                            "\(text): \(subject)"
                        )
                    }
                }
            }
        }
    }
}

final class RowOrderTests: XCTestCase {
    func testManyRowsSortBySpendRequestsThenKey() {
        let engine = SpendEngine()
        let base: Int64 = 1_770_624_000
        var messages: [String] = []
        // 600 users, enough for the radix sort, with few distinct spends so that ties occur.
        for user in 0..<600 {
            for event in 0..<(1 + user % 3) {
                messages.append(costMessage(id: "u\(user)-\(event)", second: base, user: "user\(user)", cost: user % 4 == 0 ? "0.5" : "1"))
            }
        }
        engine.ingestAll(messages)
        let users = engine.query(window: .all).rows[.user] ?? []
        XCTAssertEqual(users.count, 600)
        for (lhs, rhs) in zip(users, users.dropFirst()) {
            XCTAssertTrue(rowOrder(lhs, rhs), "\(lhs.key ?? "-") before \(rhs.key ?? "-")")
        }
    }

    func testShortTiesSortByKey() {
        let engine = SpendEngine()
        let base: Int64 = 1_770_624_000
        var messages: [String] = []
        // 900 users in runs of three with the same spend and requests, arriving in reverse key
        // order, and one request without a user that ties with the first run.
        for user in (0..<900).reversed() {
            let cost = "0.\(String(repeating: "0", count: 3))\(100 + user / 3)"
            messages.append(costMessage(id: "u\(user)", second: base, user: "user\(user)", cost: cost))
        }
        messages.append(costMessage(id: "none", second: base, user: nil, cost: "0.000100"))
        engine.ingestAll(messages)
        let users = engine.query(window: .all).rows[.user] ?? []
        XCTAssertEqual(users.count, 901)
        for (lhs, rhs) in zip(users, users.dropFirst()) {
            XCTAssertTrue(rowOrder(lhs, rhs), "\(lhs.key ?? "-") before \(rhs.key ?? "-")")
        }
        XCTAssertEqual(users.first?.key, "user897")
        XCTAssertEqual(users.suffix(4).map(\.key), ["user0", "user1", "user2", nil])
    }
}
