import Foundation
import SpendAggregation
import XCTest

/// Inputs that broke a filter property under Fuzz/FilterFuzzer.swift, kept as regression tests.
final class FilterFuzzRegressionTests: XCTestCase {
    /// U+0600 ARABIC NUMBER SIGN is a grapheme prefix, so it joins with a following space or `)`
    /// but not with a tab or a newline.
    private let prefix = "\u{600}"

    func testValueEndingInPrefixIsRejected() {
        for text in ["org=a\(prefix)\tmodel=x", "org=a\(prefix)\nmodel=x", "org=a\(prefix)"] {
            XCTAssertThrowsError(try Filter.parse(text), text.debugDescription) { error in
                let filterError = error as? FilterError
                XCTAssertEqual(filterError?.column, 5, text.debugDescription)
                XCTAssertEqual(
                    filterError?.message,
                    "value at column 5 ends in a character (U+600) that joins with the next one; "
                        + "remove it or put a letter after it",
                    text.debugDescription
                )
            }
        }
    }

    func testPrefixInsideParenthesesIsRejected() {
        XCTAssertThrowsError(try Filter.parse("not (org=x or org=a\(prefix)\t)"))
    }

    func testPrefixBeforeLetterRoundTrips() throws {
        let filter = try Filter.parse("org=\(prefix)1 model=x")
        let reparsed = try Filter.parse(filter.text)
        XCTAssertEqual(reparsed, filter)
        XCTAssertTrue(filter.matches(FilterSubject(model: "x", organization: "\(prefix)1")))
    }

    /// Replays every saved fuzzer input: each must fail to parse or round-trip through its text.
    func testSavedFuzzInputsRoundTrip() throws {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/filter")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertFalse(names.isEmpty, "no inputs in \(directory.path)")
        for name in names {
            let text = String(decoding: try Data(contentsOf: directory.appendingPathComponent(name)), as: UTF8.self)
            guard let filter = try? Filter.parse(text) else { continue }
            XCTAssertEqual(try Filter.parse(filter.text), filter, "\(name): \(filter.text.debugDescription)")
        }
    }
}
