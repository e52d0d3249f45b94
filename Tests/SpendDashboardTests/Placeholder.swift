import XCTest

final class SpendDashboardPlaceholder: XCTestCase {
    func testPackageBuilds() {
        XCTAssertEqual(1 + 1, 2)
    }
}
