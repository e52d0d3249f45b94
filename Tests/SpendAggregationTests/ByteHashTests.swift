import XCTest
@testable import SpendAggregation

final class ByteHashTests: XCTestCase {
    /// Returns the hash as first written, reading the bytes after the last full word one at a
    /// time. Equal values keep the duplicate filter's rare false repeats where they were.
    private func byteByByteHash(_ bytes: [UInt8]) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            var word: UInt64 = 0
            for offset in 0..<8 {
                word |= UInt64(bytes[index + offset]) << UInt64(8 * offset)
            }
            state = ByteHash.mix(state ^ word)
            index += 8
        }
        if index < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            state = ByteHash.mix(state ^ tail)
        }
        return ByteHash.mix(state)
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
