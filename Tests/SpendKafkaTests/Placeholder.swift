import XCTest

final class SpendKafkaPlaceholder: XCTestCase {
    func testPackageBuilds() {
        XCTAssertEqual(1 + 1, 2)
    }
}
