import XCTest
@testable import SpendAggregation

final class ByteHashTests: XCTestCase {
    /// Returns the hash as its description states it, building each word a byte at a time
    /// and placing the bytes of a short last block one by one.
    private func byteByByteHash(_ bytes: [UInt8]) -> UInt64 {
        func word(_ offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << UInt64(8 * $1) }
        }
        var state = ByteHash.seed ^ UInt64(bytes.count)
        var index = 0
        while bytes.count - index > 16 {
            state = ByteHash.fold(word(index) ^ state, word(index + 8) ^ ByteHash.blockKey)
            index += 16
        }
        let remaining = bytes.count - index
        var first: UInt64 = 0
        var second: UInt64 = 0
        switch remaining {
        case 9...16:
            first = word(index)
            second = word(bytes.count - 8)
        case 4...8:
            for offset in 0..<4 {
                first |= UInt64(bytes[index + offset]) << UInt64(8 * offset)
                first |= UInt64(bytes[bytes.count - 4 + offset]) << UInt64(32 + 8 * offset)
            }
        case 1...3:
            first = UInt64(bytes[index]) | UInt64(bytes[index + remaining / 2]) << 8 | UInt64(bytes[bytes.count - 1]) << 16
        default:
            break
        }
        return ByteHash.mix(ByteHash.fold(first ^ state, second ^ ByteHash.blockKey))
    }

    /// No 8-byte window of valid UTF-8 equals the block key, so a block's second factor is
    /// never zero for the texts the engine hashes.
    func testBlockKeyIsNotUTF8() {
        let keyBytes = withUnsafeBytes(of: ByteHash.blockKey.littleEndian) { Array($0) }
        XCTAssertNil(String(validating: keyBytes, as: UTF8.self))
        // Wider windows around it stay invalid whatever comes before or after.
        for lead: [UInt8] in [[], [0x41], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98]] {
            XCTAssertNil(String(validating: lead + keyBytes + [0x41], as: UTF8.self))
        }
    }

    /// Texts of one length that differ in any byte hash differently, for every length a last
    /// block can have. A lost byte would make some pair equal.
    func testEveryByteChangesTheHash() {
        for length in 1...40 {
            let base = (0..<length).map { UInt8(0x61 + $0 % 26) }
            let baseHash = base.withUnsafeBytes { ByteHash.hash($0) }
            for position in 0..<length {
                var changed = base
                changed[position] = 0x30
                XCTAssertNotEqual(changed.withUnsafeBytes { ByteHash.hash($0) }, baseHash, "length \(length), byte \(position)")
            }
        }
    }

    func testHashMatchesByteByByteForm() {
        var state: UInt64 = 0x1234_5678
        for length in 0...70 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
                let actual = bytes.withUnsafeBytes { ByteHash.hash($0) }
                XCTAssertEqual(actual, byteByByteHash(bytes), "length \(length): \(bytes)")
            }
        }
    }

    /// A slice in the middle of a buffer, so that a load past either end would read the
    /// neighbouring bytes and change the hash.
    func testHashReadsOnlyItsBytes() {
        let buffer: [UInt8] = Array(repeating: 0xAA, count: 16) + Array("teacher_0042".utf8) + Array(repeating: 0xBB, count: 16)
        let inner = Array("teacher_0042".utf8)
        for start in 0..<inner.count {
            for end in start...inner.count {
                let slice = buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[(16 + start)..<(16 + end)]) }
                XCTAssertEqual(ByteHash.hash(slice), byteByByteHash(Array(inner[start..<end])), "bytes \(start)..<\(end)")
            }
        }
    }
}
