import XCTest
@testable import SpendAggregation

final class DuplicateFilterTests: XCTestCase {
    func testIdsExpireAfterTheHorizon() {
        var filter = DuplicateFilter(capacity: 1_000, horizonSeconds: 100)
        XCTAssertTrue(filter.insert(7, now: 0))
        XCTAssertFalse(filter.insert(7, now: 99))
        XCTAssertTrue(filter.insert(8, now: 60))
        // The first generation holds arrivals of seconds 0 to 49; it goes once second 49 is 100 s old.
        XCTAssertFalse(filter.insert(7, now: 148))
        XCTAssertTrue(filter.insert(7, now: 149))
        XCTAssertFalse(filter.insert(8, now: 149))
    }

    func testOldestGenerationGoesPastTheCapacity() {
        var filter = DuplicateFilter(capacity: 3, horizonSeconds: 100)
        XCTAssertTrue(filter.insert(1, now: 0))
        XCTAssertTrue(filter.insert(2, now: 0))
        XCTAssertTrue(filter.insert(3, now: 50))
        XCTAssertTrue(filter.insert(4, now: 51))
        // Generations close at capacity / 2 ids, so dropping the oldest leaves the newest three.
        XCTAssertEqual(filter.count, 3)
        XCTAssertTrue(filter.insert(1, now: 52))
        XCTAssertFalse(filter.insert(4, now: 52))
    }

    func testManyIdsSurviveTableGrowth() {
        var filter = DuplicateFilter(capacity: 1_000_000, horizonSeconds: 100)
        for id in 1...50_000 { XCTAssertTrue(filter.insert(UInt64(id) &* 0x9E37_79B9_7F4A_7C15, now: 0)) }
        for id in 1...50_000 { XCTAssertFalse(filter.insert(UInt64(id) &* 0x9E37_79B9_7F4A_7C15, now: 10)) }
        XCTAssertEqual(filter.count, 50_000)
    }

    func testHighRateKeepsTheNewestHalfOfTheCapacity() {
        var filter = DuplicateFilter(capacity: 1_000, horizonSeconds: 90_000)
        for id in 1...10_000 { XCTAssertTrue(filter.insert(UInt64(id) &* 0x9E37_79B9_7F4A_7C15, now: 0)) }
        XCTAssertLessThanOrEqual(filter.count, 1_000)
        XCTAssertGreaterThanOrEqual(filter.count, 500)
        for id in 9_501...10_000 { XCTAssertFalse(filter.insert(UInt64(id) &* 0x9E37_79B9_7F4A_7C15, now: 1)) }
    }
}
