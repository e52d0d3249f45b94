/// A fast 64-bit hash of a byte string, used by the interners and the duplicate filter.
///
/// It mixes eight bytes at a time with multiply-xorshift steps; it is not cryptographic.
enum ByteHash {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            state = mix(state ^ word)
            index += 8
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            state = mix(state ^ tail(bytes, from: index, count: remaining))
        }
        return mix(state)
    }

    /// Returns the last `count` (1 to 7) bytes from `index` as a little-endian integer, the
    /// higher bytes zero, with at most two loads that stay inside `bytes`.
    @inline(__always)
    private static func tail(_ bytes: UnsafeRawBufferPointer, from index: Int, count: Int) -> UInt64 {
        if bytes.count >= 8 {
            // The 8 bytes ending at the end overlap bytes already mixed; the shift drops them.
            let last = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            return last >> UInt64(8 * (8 - count))
        }
        if count >= 4 {
            // Two 4-byte loads that overlap in the middle when count < 8.
            let low = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + count - 4, as: UInt32.self)))
            return low | high << UInt64(8 * (count - 4))
        }
        var value: UInt64 = 0
        for offset in 0..<count {
            value |= UInt64(bytes[index + offset]) << UInt64(8 * offset)
        }
        return value
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        x = x &* 0x94D0_49BB_1331_11EB
        x ^= x >> 29
        return x
    }
}
