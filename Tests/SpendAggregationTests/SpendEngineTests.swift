import XCTest
import SpendAggregation
import SpendEvents

final class SpendEngineTests: XCTestCase {
    let base: Int64 = 1_770_624_000

    func testWindowEdgesAreExactToTheSecond() {
        let engine = SpendEngine()
        // Events 0, 59, 60 and 61 seconds before the newest one.
        engine.ingestAll([
            costMessage(id: "a", second: base - 61, cost: "1"),
            costMessage(id: "b", second: base - 60, cost: "2"),
            costMessage(id: "c", second: base - 59, cost: "4"),
            costMessage(id: "d", second: base, cost: "8"),
        ])
        let minute = engine.query(window: .oneMinute)
        XCTAssertEqual(minute.end, base)
        XCTAssertEqual(minute.start, base - 60)
        // (end - 60, end] holds c and d only.
        XCTAssertEqual(minute.total.requests, 2)
        XCTAssertEqual(minute.total.spend, Money(micros: 12_000_000))
        XCTAssertEqual(engine.query(window: .fiveMinutes).total.spend, Money(micros: 15_000_000))
        XCTAssertEqual(engine.query(window: .oneMinute, endSeconds: base - 1).total.spend, Money(micros: 6_000_000))
    }

    func testLateEventsCountOnlyInAll() {
        let engine = SpendEngine()
        engine.ingestAll([
            costMessage(id: "now", second: base, cost: "1"),
            costMessage(id: "old", second: base - 86_400, cost: "2"),
            costMessage(id: "recent", second: base - 86_399, cost: "4"),
        ])
        XCTAssertEqual(engine.counts.late, 1)
        XCTAssertEqual(engine.counts.events, 3)
        XCTAssertEqual(engine.query(window: .oneDay).total.spend, Money(micros: 5_000_000))
        XCTAssertEqual(engine.query(window: .all).total.spend, Money(micros: 7_000_000))
    }

    func testWindowsRollAsTheClockMoves() {
        var configuration = EngineConfiguration()
        configuration.clockFollowsEvents = false
        let engine = SpendEngine(configuration: configuration)
        engine.advanceClock(toMilliseconds: base * 1000)
        engine.ingestAll([costMessage(id: "a", second: base - 10, cost: "1")])
        XCTAssertEqual(engine.query(window: .oneMinute).total.requests, 1)
        engine.advanceClock(toMilliseconds: (base + 50) * 1000)
        XCTAssertEqual(engine.query(window: .oneMinute).total.requests, 0)
        XCTAssertEqual(engine.query(window: .fiveMinutes).total.requests, 1)
        engine.advanceClock(toMilliseconds: (base + 90_000) * 1000)
        XCTAssertEqual(engine.query(window: .oneDay).total.requests, 0)
        XCTAssertEqual(engine.query(window: .all).total.requests, 1)
    }

    func testAllWindowKeepsEvictedEvents() {
        var configuration = EngineConfiguration()
        configuration.clockFollowsEvents = false
        let engine = SpendEngine(configuration: configuration)
        engine.advanceClock(toMilliseconds: base * 1000)
        engine.ingestAll([
            costMessage(id: "a", second: base - 10, cost: "1.5", latency: 120),
            costMessage(id: "b", second: base - 5, user: "u2", cost: "0", latency: 8, cached: true, savings: "5000.000001"),
            costMessage(id: "c", second: base - 3, model: "gpt-5", cost: "4300", latency: 2_000, cached: true),
            costMessage(id: "d", second: base, user: nil, cost: "0.000001", latency: 30_000, prompt: 3_000_000_000, completion: 1_000_000_000),
        ])
        let before = engine.query(window: .all)
        XCTAssertEqual(before.total.requests, 4)
        XCTAssertEqual(before.row(.user, "u2")?.cacheSavings, Money(micros: 5_000_000_001))
        XCTAssertEqual(before.total.spend, Money(micros: 4_301_500_001))

        engine.advanceClock(toMilliseconds: (base + 90_000) * 1000)
        XCTAssertEqual(engine.query(window: .oneDay).total.requests, 0)
        let after = engine.query(window: .all)
        // Every sum and the maximum latency stay; p50 to p99 cover only the rolling windows, now empty.
        XCTAssertEqual(after.total, before.total.withoutPercentiles)
        XCTAssertEqual(after.rows, before.withoutPercentiles.rows)
        XCTAssertEqual(after.row(.user, "u1")?.latency.max, 2_000)
    }

    func testDuplicatesCountOnceAndInvalidRepeatsAreSkipped() {
        let engine = SpendEngine()
        let message = costMessage(id: "same", second: base, cost: "0.5")
        engine.ingestAll([message, message, message, "not json", "not json"])
        XCTAssertEqual(engine.counts.messages, 5)
        XCTAssertEqual(engine.counts.events, 1)
        XCTAssertEqual(engine.counts.duplicates, 2)
        XCTAssertEqual(engine.counts.skipped(.notJSON), 2)
        XCTAssertEqual(engine.query(window: .all).total.spend, Money(micros: 500_000))
    }

    func testDuplicateAfterAnInvalidCopyIsAccepted() {
        let engine = SpendEngine()
        let broken = costMessage(id: "x", second: base, cost: "\"oops\"")
        engine.ingestAll([broken, costMessage(id: "x", second: base, cost: "1")])
        XCTAssertEqual(engine.counts.skipped(.invalid), 1)
        XCTAssertEqual(engine.counts.events, 1)
        XCTAssertEqual(engine.counts.duplicates, 0)
    }

    func testFilterAppliesToEventsBeforeIt() throws {
        let engine = SpendEngine()
        engine.ingestAll([
            costMessage(id: "1", second: base - 5, organization: "acme", cost: "1"),
            costMessage(id: "2", second: base - 4, organization: "globex", cost: "2"),
            costMessage(id: "3", second: base - 3, provider: "openai", organization: "acme", cost: "4"),
        ])
        let filter = try Filter.parse("org=acme")
        for window in [WindowLength.oneMinute, .all] {
            let result = engine.query(window: window, filter: filter)
            XCTAssertEqual(result.total.spend, Money(micros: 5_000_000))
            XCTAssertEqual(result.rows[.organization]?.map(\.key), ["acme"])
            XCTAssertEqual(result.rows[.provider]?.map(\.key), ["openai", "anthropic"])
        }
        let notOpenAI = engine.query(window: .all, filter: try Filter.parse("org=acme provider!=openai"))
        XCTAssertEqual(notOpenAI.total.spend, Money(micros: 1_000_000))
    }

    func testCacheHitsAndTokens() throws {
        let engine = SpendEngine()
        engine.ingestAll([
            costMessage(id: "paid", second: base - 2, cost: "0.003", prompt: 1000, completion: 500),
            costMessage(id: "given", second: base - 1, cost: "0.0", cached: true, savings: "0.002", prompt: 10, completion: 5),
            costMessage(id: "estimated", second: base, cost: "0.0", cached: true, prompt: 200, completion: 100),
        ])
        let total = engine.query(window: .all).total
        XCTAssertEqual(total.requests, 3)
        XCTAssertEqual(total.cacheHits, 2)
        XCTAssertEqual(total.promptTokens, 1000)
        XCTAssertEqual(total.completionTokens, 500)
        XCTAssertEqual(total.totalTokens, 1500)
        XCTAssertEqual(total.cachedTokens, 15 + 300)
        // 300 tokens at 0.003 USD per 1500 tokens is 0.0006 USD.
        XCTAssertEqual(total.cacheSavings, Money(micros: 2_000 + 600))
        XCTAssertTrue(total.cacheSavingsEstimated)
        let given = engine.query(window: .all, filter: try Filter.parse("cached=true user=u1")).rows[.model]?.first
        XCTAssertEqual(given?.cacheHits, 2)
    }

    func testUnpricedCacheHit() {
        let engine = SpendEngine()
        engine.ingestAll([costMessage(id: "h", second: base, cost: "0", cached: true)])
        XCTAssertEqual(engine.unpricedCacheHits, 1)
        XCTAssertEqual(engine.query(window: .all).total.cacheSavings, .zero)
        XCTAssertFalse(engine.query(window: .all).total.cacheSavingsEstimated)
    }

    func testUsersPastTheCapFoldIntoOther() {
        var configuration = EngineConfiguration()
        configuration.maxUsers = 2
        let engine = SpendEngine(configuration: configuration)
        engine.ingestAll((0..<5).map { costMessage(id: "e\($0)", second: base, user: "user\($0)", cost: "1") })
        let users = engine.query(window: .all).rows[.user] ?? []
        XCTAssertEqual(users.count, 3)
        XCTAssertEqual(users.first?.key, "(other)")
        XCTAssertEqual(users.first?.requests, 3)
        XCTAssertEqual(users.reduce(Money.zero) { $0 + $1.spend }, Money(micros: 5_000_000))
        XCTAssertEqual(engine.foldedOccurrences()[.user], 3)
    }

    func testMissingKeysGroupUnderNil() {
        let engine = SpendEngine()
        engine.ingestAll([costMessage(id: "a", second: base, organization: nil, user: nil)])
        let result = engine.query(window: .all)
        XCTAssertNotNil(result.row(.organization, nil))
        XCTAssertNotNil(result.row(.user, nil))
    }

    func testManySmallCostsSumExactly() {
        let engine = SpendEngine()
        for index in 0..<100_000 {
            engine.ingest(costMessage(id: "m\(index)", second: base + Int64(index / 1000), cost: "0.000001"), wallClockMilliseconds: farFutureWallClock)
        }
        XCTAssertEqual(engine.query(window: .all).total.spend.decimalString, "0.100000")
        XCTAssertEqual(engine.query(window: .fiveMinutes).total.spend.decimalString, "0.100000")
    }

    func testTimelineBucketsSpend() {
        let engine = SpendEngine()
        engine.ingestAll([
            costMessage(id: "a", second: base - 59, cost: "1"),
            costMessage(id: "b", second: base, cost: "2"),
        ])
        let result = engine.query(window: .oneMinute, timelineBuckets: 6)
        XCTAssertEqual(result.timeline.count, 6)
        XCTAssertEqual(result.timeline.first, Money(micros: 1_000_000))
        XCTAssertEqual(result.timeline.last, Money(micros: 2_000_000))
    }

    func testRecentEventsNewestFirst() throws {
        let engine = SpendEngine()
        engine.ingestAll((0..<5).map { costMessage(id: "t\($0)", second: base + Int64($0), organization: $0 % 2 == 0 ? "acme" : "globex") })
        let recent = engine.recentEvents(limit: 2, filter: try Filter.parse("org=acme"))
        XCTAssertEqual(recent.map(\.timeMilliseconds), [(base + 4) * 1000, (base + 2) * 1000])
    }

    func testRecentEventsAfterTheRingWraps() {
        var configuration = EngineConfiguration()
        configuration.tailCapacity = 3
        let engine = SpendEngine(configuration: configuration)
        engine.ingestAll((0..<7).map { costMessage(id: "w\($0)", second: base + Int64($0)) })
        let recent = engine.recentEvents(limit: 10)
        XCTAssertEqual(recent.map(\.timeMilliseconds), [(base + 6) * 1000, (base + 5) * 1000, (base + 4) * 1000])
    }
}

final class EngineClockTests: XCTestCase {
    func testEventBeforeTheClockIsSetDoesNotTrap() {
        var configuration = EngineConfiguration()
        configuration.clockFollowsEvents = false
        let engine = SpendEngine(configuration: configuration)
        engine.ingestAll([costMessage(id: "first", second: 1_770_624_000, cost: "1")])
        XCTAssertEqual(engine.counts.events, 1)
        XCTAssertEqual(engine.counts.late, 0)
        engine.advanceClock(toMilliseconds: 1_770_624_010_000)
        XCTAssertEqual(engine.query(window: .oneMinute).total.requests, 1)
    }
}

final class WindowRecordCapTests: XCTestCase {
    func testOldestSecondsLeaveEarlyAndStayInAll() {
        var configuration = EngineConfiguration()
        configuration.maxWindowRecords = 10
        let engine = SpendEngine(configuration: configuration)
        let base: Int64 = 1_770_624_000
        // Three events a second for ten seconds: 30 events, at most 10 kept in the windows.
        var messages: [String] = []
        for second in 0..<10 {
            for index in 0..<3 {
                messages.append(costMessage(id: "e\(second)-\(index)", second: base + Int64(second), cost: "1"))
            }
        }
        engine.ingestAll(messages)
        let hour = engine.query(window: .oneHour)
        XCTAssertLessThanOrEqual(hour.total.requests, 10)
        XCTAssertEqual(hour.total.requests % 3, 0)
        XCTAssertEqual(hour.completeSince, engine.rollingCoverageStart)
        XCTAssertEqual(engine.rollingCoverageStart, base + 10 - hour.total.requests / 3)
        // Nothing is lost from `all`.
        XCTAssertEqual(engine.query(window: .all).total.requests, 30)
        XCTAssertEqual(engine.query(window: .all).total.spend, Money(micros: 30_000_000))
    }
}
