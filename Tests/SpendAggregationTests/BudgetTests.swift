import XCTest
import SpendAggregation
import SpendEvents

final class BudgetTests: XCTestCase {
    func testParseScopesAmountsAndPeriods() throws {
        let org = try BudgetSpec.parse("org:acme=50/day")
        XCTAssertEqual(org.scope, "org:acme")
        XCTAssertEqual(org.limit, Money(micros: 50_000_000))
        XCTAssertEqual(org.period, .day)
        XCTAssertEqual(org.filter.text, "org=acme")
        let total = try BudgetSpec.parse("total=12.5/hour")
        XCTAssertEqual(total.limit, Money(micros: 12_500_000))
        XCTAssertTrue(total.filter.isEmpty)
    }

    func testParseErrorsSayTheFix() {
        let cases: [(String, String)] = [
            ("acme", "budget 'acme' has no '='; write SCOPE=AMOUNT/PERIOD, e.g. org:acme=50/day or total=200/hour."),
            ("total=5/week", "budget 'total=5/week' has the period 'week'; use hour or day."),
            ("total=-5/day", "budget 'total=-5/day' has the amount '-5'; use a positive number of dollars such as 50 or 12.5."),
            ("team:x=5/day", "budget scope 'team:x' is unknown; use total, org:NAME, provider:NAME or service:NAME."),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try BudgetSpec.parse(text)) { error in
                XCTAssertEqual((error as? BudgetError)?.message, message)
            }
        }
    }

    func testEvaluateSpendBurnAndExhaustion() throws {
        let engine = SpendEngine()
        // 2026-02-09T08:00:00Z is the start of an hour.
        let hourStart: Int64 = 1_770_624_000
        let now = hourStart + 600
        engine.ingestAll([
            costMessage(id: "before", second: hourStart - 1, cost: "100"),
            costMessage(id: "early", second: hourStart + 10, cost: "4"),
            costMessage(id: "recent", second: now - 60, cost: "5"),
            costMessage(id: "other", second: now - 30, organization: "globex", cost: "7"),
        ])
        let budget = try BudgetSpec.parse("org:acme=20/hour")
        let evaluation = engine.evaluate(budget, now: now)
        XCTAssertEqual(evaluation.spent, Money(micros: 9_000_000))
        XCTAssertEqual(evaluation.burnRatePerMinute, Money(micros: 1_000_000))
        // 11 dollars left at 1 dollar a minute.
        XCTAssertEqual(evaluation.secondsUntilExhausted, 660)
        XCTAssertFalse(evaluation.isOver)
        let small = engine.evaluate(try BudgetSpec.parse("total=10/hour"), now: now)
        XCTAssertTrue(small.isOver)
        XCTAssertEqual(small.secondsUntilExhausted, 0)
    }

    func testOnePassSumsMatchSeparateScans() throws {
        let engine = SpendEngine()
        let now: Int64 = 1_770_624_600
        engine.ingestAll([
            costMessage(id: "a", second: now - 4_000, cost: "8"),
            costMessage(id: "b", second: now - 200, cost: "4"),
            costMessage(id: "c", second: now - 30, organization: "globex", cost: "2"),
            costMessage(id: "d", second: now, cost: "1"),
        ])
        let starts: [Int64] = [now - 60, now - 300, now - 3_600, now - 86_400]
        let filter = try Filter.parse("org=acme")
        let sums = engine.spendAndRequests(after: starts, through: now, filter: filter)
        for (index, start) in starts.enumerated() {
            XCTAssertEqual(sums[index].spend, engine.spend(after: start, through: now, filter: filter), "after \(start)")
        }
        XCTAssertEqual(sums[0].requests, engine.query(window: .oneMinute, filter: filter, endSeconds: now).total.requests)
        XCTAssertEqual(sums[3].requests, 3)
        XCTAssertEqual(sums[1].spend, Money(micros: 5_000_000))
    }
}
