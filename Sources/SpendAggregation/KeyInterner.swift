#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Assigns small integer ids to the distinct values of one dimension, up to a cap.
///
/// Id 0 stands for a missing value and id 1 for "other": every new value past
/// `maxKeys` is folded into it, so memory is bounded by the cap, not by the stream.
/// Lookups hash the raw bytes and allocate only when a value is seen for the first time.
struct KeyInterner {
    static let missingID: UInt32 = 0
    static let otherID: UInt32 = 1
    /// The key shown for the row that folds values past the cap.
    static let otherKey = "(other)"

    /// Values by id; the first two entries stand for missing and other.
    private(set) var values: [String?] = [nil, otherKey]
    private var storage: [UInt8] = []
    private var offsets: [Int] = [0, 0, 0]
    /// Open-addressing slots holding id + 1, or 0 when empty.
    private var slots: [UInt32]
    private var hashes: [UInt64]
    let maxKeys: Int
    /// Values folded into "other" because the cap was reached, counted once per occurrence.
    private(set) var foldedOccurrences: Int64 = 0

    init(maxKeys: Int) {
        self.maxKeys = maxKeys
        slots = Array(repeating: 0, count: 64)
        hashes = Array(repeating: 0, count: 64)
    }

    /// Distinct values held, not counting missing and other.
    var count: Int { values.count - 2 }

    /// The number of ids in use, missing and other included: the size an id-indexed array needs.
    var idCount: Int { values.count }

    /// Returns the id of `bytes`, adding it when new and under the cap.
    mutating func id(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = ByteHash.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot] - 1)
            if hashes[slot] == hash, equals(id: id, bytes) {
                return UInt32(id)
            }
            slot = (slot + 1) & mask
        }
        guard count < maxKeys else {
            foldedOccurrences += 1
            return Self.otherID
        }
        let id = values.count
        values.append(String(decoding: bytes, as: UTF8.self))
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        slots[slot] = UInt32(id + 1)
        hashes[slot] = hash
        if values.count * 2 > slots.count { grow() }
        return UInt32(id)
    }

    /// Returns the id of `text` if it has one, without adding it.
    func existingID(of text: String) -> UInt32? {
        var copy = text
        return copy.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            let hash = ByteHash.hash(bytes)
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 {
                let id = Int(slots[slot] - 1)
                if hashes[slot] == hash, equals(id: id, bytes) { return UInt32(id) }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    func value(of id: UInt32) -> String? {
        values[Int(id)]
    }

    private func equals(id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id]
        let end = offsets[id + 1]
        guard end - start == bytes.count else { return false }
        return storage.withUnsafeBytes { stored in
            bytes.count == 0 || memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        var newSlots = Array(repeating: UInt32(0), count: newCount)
        var newHashes = Array(repeating: UInt64(0), count: newCount)
        let mask = newCount - 1
        for index in slots.indices where slots[index] != 0 {
            var slot = Int(truncatingIfNeeded: hashes[index]) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = slots[index]
            newHashes[slot] = hashes[index]
        }
        slots = newSlots
        hashes = newHashes
    }
}
