import XCTest

final class SpendEventsPlaceholder: XCTestCase {
    func testPackageBuilds() {
        XCTAssertEqual(1 + 1, 2)
    }
}
