/// A fast 64-bit hash of a byte string, used by the interners and the duplicate filter.
///
/// It reads sixteen bytes per step and folds them into the state with one 64 x 64 to 128-bit
/// multiply, whose two halves are combined by exclusive or. A last multiply-xorshift mix spreads
/// the result over all bits. It is not cryptographic.
///
/// A fold loses the state when one of its two factors is zero. The second factor is a word of
/// the input XORed with ``blockKey``, whose bytes (B9 E5 E4 1C 6D 47 58 BF in memory order)
/// appear in no valid UTF-8 text at any offset. The keys hashed here are all valid UTF-8, so
/// that factor is never zero. The first is a word XORed with the running state, zero with a
/// chance of 2^-64 per block.
enum ByteHash {
    static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let blockKey: UInt64 = 0xBF58_476D_1CE4_E5B9

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var state = seed ^ UInt64(truncatingIfNeeded: count)
        var index = 0
        // Whole blocks, leaving 1 to 16 bytes (none for empty input) for the last one.
        while count - index > 16 {
            state = fold(word(bytes, at: index) ^ state, word(bytes, at: index + 8) ^ blockKey)
            index += 16
        }
        let (first, second) = lastBlock(bytes, from: index)
        return mix(fold(first ^ state, second ^ blockKey))
    }

    /// Returns the last 0 to 16 bytes from `index` as two words, with loads that stay inside `bytes`.
    /// Loads may overlap bytes of the same block. For a given length every byte still lands
    /// in a fixed place, so different texts of one length give different words.
    @inline(__always)
    static func lastBlock(_ bytes: UnsafeRawBufferPointer, from index: Int) -> (UInt64, UInt64) {
        let remaining = bytes.count - index
        if remaining > 8 {
            return (word(bytes, at: index), word(bytes, at: bytes.count - 8))
        }
        if remaining >= 4 {
            let low = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self)))
            return (low | high << 32, 0)
        }
        if remaining > 0 {
            // One, two or three bytes: the first, the middle and the last, some of them the same.
            let first = UInt64(bytes[index])
            let middle = UInt64(bytes[index + remaining / 2])
            let last = UInt64(bytes[bytes.count - 1])
            return (first | middle << 8 | last << 16, 0)
        }
        return (0, 0)
    }

    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
    }

    /// Returns the two halves of the full product of `left` and `right`, combined by exclusive or.
    @inline(__always)
    static func fold(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let product = left.multipliedFullWidth(by: right)
        return product.high ^ product.low
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
