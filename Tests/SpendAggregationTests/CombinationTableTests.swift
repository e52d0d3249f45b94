import XCTest
@testable import SpendAggregation

final class CombinationTableTests: XCTestCase {
    private func combination(_ index: Int) -> Combination {
        Combination(
            provider: UInt32(index % 5), model: UInt32(index % 12), service: UInt32(index % 6),
            organization: UInt32(index % 1_000), user: UInt32(index / 3), requestType: UInt32(index % 2),
            cached: index % 7 == 0
        )
    }

    /// 300,000 combinations make the slots grow nine times and shrink the hash tags to 11 bits.
    func testIdsSurviveGrowth() {
        var table = CombinationTable()
        for index in 0..<300_000 {
            let (id, added) = table.id(of: combination(index))
            XCTAssertEqual(id, UInt32(index))
            XCTAssertTrue(added, "combination \(index) was found before it was added")
            if id != UInt32(index) || !added { return }
        }
        for index in stride(from: 0, to: 300_000, by: 7) {
            let (id, added) = table.id(of: combination(index))
            XCTAssertEqual(id, UInt32(index))
            XCTAssertFalse(added)
            XCTAssertEqual(table[id], combination(index))
        }
        XCTAssertEqual(table.count, 300_000)
    }

    /// Combinations that differ in one field only must not share an id.
    func testEachFieldTellsCombinationsApart() {
        var table = CombinationTable()
        let base = Combination(provider: 1, model: 1, service: 1, organization: 1, user: 1, requestType: 1, cached: false)
        var variants = [base]
        variants.append(Combination(provider: 2, model: 1, service: 1, organization: 1, user: 1, requestType: 1, cached: false))
        variants.append(Combination(provider: 1, model: 2, service: 1, organization: 1, user: 1, requestType: 1, cached: false))
        variants.append(Combination(provider: 1, model: 1, service: 2, organization: 1, user: 1, requestType: 1, cached: false))
        variants.append(Combination(provider: 1, model: 1, service: 1, organization: 2, user: 1, requestType: 1, cached: false))
        variants.append(Combination(provider: 1, model: 1, service: 1, organization: 1, user: 2, requestType: 1, cached: false))
        variants.append(Combination(provider: 1, model: 1, service: 1, organization: 1, user: 1, requestType: 2, cached: false))
        variants.append(Combination(provider: 1, model: 1, service: 1, organization: 1, user: 1, requestType: 1, cached: true))
        let ids = variants.map { table.id(of: $0).id }
        XCTAssertEqual(ids, Array(0..<UInt32(variants.count)))
        XCTAssertEqual(variants.map { table.id(of: $0).id }, ids)
    }
}
