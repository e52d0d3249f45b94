import XCTest
@testable import SpendAggregation

final class KeyInternerTests: XCTestCase {
    private func id(_ text: String, in interner: inout KeyInterner) -> UInt32 {
        var copy = text
        return copy.withUTF8 { interner.id(of: UnsafeRawBufferPointer($0)) }
    }

    func testIdsStartAfterMissingAndOther() {
        var interner = KeyInterner(maxKeys: 10)
        XCTAssertEqual(id("openai", in: &interner), 2)
        XCTAssertEqual(id("anthropic", in: &interner), 3)
        XCTAssertEqual(id("openai", in: &interner), 2)
        XCTAssertEqual(interner.count, 2)
        XCTAssertEqual(interner.idCount, 4)
        XCTAssertEqual(interner.value(of: 2), "openai")
        XCTAssertEqual(interner.value(of: 3), "anthropic")
        XCTAssertNil(interner.value(of: KeyInterner.missingID))
        XCTAssertEqual(interner.value(of: KeyInterner.otherID), "(other)")
    }

    /// Keys of every length from 0 to 40 bytes, each pair differing in one byte only, so the
    /// byte comparison must look at every position, including the overlapping last word.
    func testKeysDifferingInOneByteGetOwnIds() {
        var interner = KeyInterner(maxKeys: 10_000)
        var expected: [String: UInt32] = [:]
        for length in 0...40 {
            let base = String(repeating: "k", count: length)
            expected[base] = id(base, in: &interner)
            for position in 0..<length {
                var bytes = Array(base.utf8)
                bytes[position] = UInt8(ascii: "x")
                let variant = String(decoding: bytes, as: UTF8.self)
                expected[variant] = id(variant, in: &interner)
            }
        }
        XCTAssertEqual(Set(expected.values).count, expected.count, "two keys share an id")
        for (key, keyID) in expected {
            XCTAssertEqual(id(key, in: &interner), keyID, key)
            XCTAssertEqual(interner.value(of: keyID), key)
        }
    }

    /// The table doubles many times on the way to 200,000 keys, and every id must survive it.
    func testIdsSurviveGrowth() {
        var interner = KeyInterner(maxKeys: 1_000_000)
        let keys = (0..<200_000).map { "teacher_\($0)" }
        let ids = keys.map { id($0, in: &interner) }
        XCTAssertEqual(ids, (0..<UInt32(keys.count)).map { $0 + 2 })
        for (key, keyID) in zip(keys, ids) where id(key, in: &interner) != keyID {
            XCTFail("\(key) changed id from \(keyID)")
            return
        }
        XCTAssertEqual(interner.count, keys.count)
    }

    func testValuesPastTheCapFoldIntoOther() {
        var interner = KeyInterner(maxKeys: 2)
        XCTAssertEqual(id("a", in: &interner), 2)
        XCTAssertEqual(id("b", in: &interner), 3)
        XCTAssertEqual(id("c", in: &interner), KeyInterner.otherID)
        XCTAssertEqual(id("c", in: &interner), KeyInterner.otherID)
        XCTAssertEqual(id("a", in: &interner), 2)
        XCTAssertEqual(interner.foldedOccurrences, 2)
        XCTAssertEqual(interner.count, 2)
    }

    func testExistingIDDoesNotAdd() {
        var interner = KeyInterner(maxKeys: 10)
        XCTAssertNil(interner.existingID(of: "gpt-5"))
        XCTAssertEqual(interner.count, 0)
        XCTAssertEqual(id("gpt-5", in: &interner), 2)
        XCTAssertEqual(interner.existingID(of: "gpt-5"), 2)
        XCTAssertNil(interner.existingID(of: "gpt-4"))
    }

    func testNonASCIIKeysKeepTheirText() {
        var interner = KeyInterner(maxKeys: 10)
        let keyID = id("lärare_017457 ✓", in: &interner)
        XCTAssertEqual(interner.value(of: keyID), "lärare_017457 ✓")
        XCTAssertEqual(id("lärare_017457 ✓", in: &interner), keyID)
    }
}
