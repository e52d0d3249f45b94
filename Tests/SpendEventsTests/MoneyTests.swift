import XCTest
import SpendEvents

final class MoneyTests: XCTestCase {
    func testTenMillionMicroDollarsSumExactly() {
        var total = Money.zero
        let micro = Money(micros: 1)
        for _ in 0..<10_000_000 {
            total += micro
        }
        XCTAssertEqual(total.decimalString, "10.000000")
    }

    func testDecimalAndDollarStrings() {
        XCTAssertEqual(Money(micros: 1_234_567).decimalString, "1.234567")
        XCTAssertEqual(Money(micros: 5).decimalString, "0.000005")
        XCTAssertEqual(Money(micros: -1_500_000).decimalString, "-1.500000")
        XCTAssertEqual(Money(micros: 1_234_567_890_000).dollarString, "$1,234,567.89")
        XCTAssertEqual(Money(micros: 4_999).dollarString, "$0.00")
        XCTAssertEqual(Money(micros: 5_000).dollarString, "$0.01")
    }

    func testTimestampFormatting() {
        XCTAssertEqual(Timestamps.iso8601(seconds: 1_770_624_861), "2026-02-09T08:14:21Z")
        XCTAssertEqual(Timestamps.iso8601(seconds: 0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamps.parseMilliseconds("2024-02-29T23:59:59Z"), 1_709_251_199_000)
        XCTAssertNil(Timestamps.parseMilliseconds("2023-02-29T00:00:00Z"))
        XCTAssertNil(Timestamps.parseMilliseconds("yesterday"))
    }
}
