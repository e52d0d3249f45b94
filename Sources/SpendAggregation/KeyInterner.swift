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
    /// Each key's record, in the order of ids: a header of ``recordHeaderBytes`` bytes (the
    /// key's 64-bit hash, then its id and its byte count as 32-bit integers) and the key's bytes.
    private var records: [UInt8] = []
    /// Open-addressing slots: 0 when empty, else the top 24 bits of the key's hash
    /// (``tagMask``) combined with the offset of its record plus one in the low 40 bits.
    ///
    /// A lookup reads one slot and, only when the tags match, one record, so it usually
    /// touches two cache lines where separate arrays of ids, hashes, offsets and bytes took four.
    private var slots: [UInt64]
    let maxKeys: Int
    /// Values folded into "other" because the cap was reached, counted once per occurrence.
    private(set) var foldedOccurrences: Int64 = 0

    private static let recordHeaderBytes = 16
    private static let tagMask: UInt64 = 0xFFFF_FF00_0000_0000
    private static let offsetMask: UInt64 = ~tagMask

    init(maxKeys: Int) {
        self.maxKeys = maxKeys
        slots = Array(repeating: 0, count: 64)
    }

    /// Distinct values held, not counting missing and other.
    var count: Int { values.count - 2 }

    /// The number of ids in use, missing and other included: the size an id-indexed array needs.
    var idCount: Int { values.count }

    /// The first step of a lookup: the key's hash and the entry of its home slot.
    struct Lookup {
        let hash: UInt64
        let homeEntry: UInt64
    }

    /// Hashes `bytes` and reads their home slot, for ``id(of:from:)``.
    ///
    /// Reading the slot early lets its cache miss overlap the work the caller does before it
    /// finishes the lookup, where the slot read would otherwise wait for that work. No key may
    /// be added to this interner in between.
    func startLookup(_ bytes: UnsafeRawBufferPointer) -> Lookup {
        let hash = ByteHash.hash(bytes)
        return Lookup(hash: hash, homeEntry: slots[Int(truncatingIfNeeded: hash) & (slots.count - 1)])
    }

    /// Returns the id of `bytes`, adding it when new and under the cap.
    mutating func id(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        id(of: bytes, from: startLookup(bytes))
    }

    /// Returns the id of `bytes` as ``id(of:)`` does, continuing `lookup`, which
    /// ``startLookup(_:)`` made for the same bytes with no key added since.
    mutating func id(of bytes: UnsafeRawBufferPointer, from lookup: Lookup) -> UInt32 {
        let hash = lookup.hash
        let (found, emptySlot) = find(bytes, hash: hash, homeEntry: lookup.homeEntry)
        if let found { return found }
        guard count < maxKeys else {
            foldedOccurrences += 1
            return Self.otherID
        }
        let id = UInt32(values.count)
        values.append(String(decoding: bytes, as: UTF8.self))
        let offset = records.count
        // The low 40 bits of a slot hold offsets up to 1 TiB. With the default caps (100,000
        // users, 1 MiB messages) the records of one dimension stay below 100 GiB.
        precondition(UInt64(offset + 1) <= Self.offsetMask, "key records exceed 1 TiB")
        // A tuple of these three types has no padding, so its bytes are the 16-byte header.
        let header = (hash.littleEndian, id.littleEndian, UInt32(bytes.count).littleEndian)
        withUnsafeBytes(of: header) { records.append(contentsOf: $0) }
        records.append(contentsOf: bytes)
        slots[emptySlot] = (hash & Self.tagMask) | UInt64(offset + 1)
        if values.count * 2 > slots.count { grow() }
        return id
    }

    /// Returns the id of `text` if it has one, without adding it.
    func existingID(of text: String) -> UInt32? {
        var copy = text
        return copy.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            let lookup = startLookup(bytes)
            return find(bytes, hash: lookup.hash, homeEntry: lookup.homeEntry).id
        }
    }

    func value(of id: UInt32) -> String? {
        values[Int(id)]
    }

    /// Returns the id of the key equal to `bytes`, or nil and the empty slot where it belongs.
    /// `homeEntry` is the entry of the key's home slot, already read.
    @inline(__always)
    private func find(_ bytes: UnsafeRawBufferPointer, hash: UInt64, homeEntry: UInt64) -> (id: UInt32?, emptySlot: Int) {
        let tag = hash & Self.tagMask
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        var entry = homeEntry
        return records.withUnsafeBytes { storage in
            while true {
                if entry == 0 { return (nil, slot) }
                if entry & Self.tagMask == tag {
                    let offset = Int(entry & Self.offsetMask) - 1
                    if let id = Self.recordID(storage, at: offset, ifEqualTo: bytes, hash: hash) {
                        return (id, slot)
                    }
                }
                slot = (slot + 1) & mask
                entry = slots[slot]
            }
        }
    }

    /// Returns the id in the record at `offset` when that record's key is `bytes`.
    @inline(__always)
    private static func recordID(
        _ storage: UnsafeRawBufferPointer, at offset: Int, ifEqualTo bytes: UnsafeRawBufferPointer, hash: UInt64
    ) -> UInt32? {
        guard UInt64(littleEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) == hash,
              Int(UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))) == bytes.count
        else { return nil }
        let keyStart = offset + recordHeaderBytes
        guard bytes.count == 0 || bytesEqual(storage.baseAddress! + keyStart, bytes.baseAddress!, count: bytes.count) else {
            return nil
        }
        return UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
    }

    /// Returns whether the `count` bytes at `left` and `right` are equal, comparing eight at a
    /// time. The last word overlaps the one before when `count` is not a multiple of 8, so no
    /// load reaches past either buffer.
    @inline(__always)
    private static func bytesEqual(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        guard count >= 8 else {
            for index in 0..<count where left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) {
                return false
            }
            return true
        }
        var index = 0
        while index + 8 < count {
            if left.loadUnaligned(fromByteOffset: index, as: UInt64.self) != right.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    /// Doubles the slots and places every record again, walking the records in order.
    private mutating func grow() {
        var newSlots = Array(repeating: UInt64(0), count: slots.count * 2)
        let mask = newSlots.count - 1
        records.withUnsafeBytes { storage in
            var offset = 0
            while offset < storage.count {
                let hash = UInt64(littleEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let length = Int(UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while newSlots[slot] != 0 { slot = (slot + 1) & mask }
                newSlots[slot] = (hash & Self.tagMask) | UInt64(offset + 1)
                offset += Self.recordHeaderBytes + length
            }
        }
        slots = newSlots
    }
}
