import XCTest

final class SpendAggregationPlaceholder: XCTestCase {
    func testPackageBuilds() {
        XCTAssertEqual(1 + 1, 2)
    }
}
