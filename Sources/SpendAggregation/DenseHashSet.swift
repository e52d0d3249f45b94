/// An insert-only set of nonzero 64-bit hashes at a load of 0.82 to 0.92: 8.7 to 9.8 bytes each.
///
/// The hashes are spread over 64 shards by their top 6 bits, so a shard that grows copies only
/// 1/64 of the set and the peak memory of a growth stays small. Each shard is an ordered
/// linear-probing table (Amble and Knuth, 1974): a hash's home slot is the next bits of the hash
/// scaled to the table size, so home slots rise with the hash, and every run of occupied slots is
/// kept sorted. A lookup then stops at the first empty slot or larger hash, which keeps lookups
/// short at high load. The table does not wrap around: slots past the last home slot absorb the
/// end of the last run.
struct DenseHashSet {
    static let shardBits = 6
    private var shards: [OrderedHashTable]
    private(set) var count = 0

    init() {
        shards = Array(repeating: OrderedHashTable(), count: 1 << Self.shardBits)
    }

    @inline(__always)
    private static func shard(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> (64 - UInt64(shardBits)))
    }

    func contains(_ hash: UInt64) -> Bool {
        shards[Self.shard(of: hash)].contains(hash)
    }

    /// Inserts `hash`, which must be nonzero and not in the set.
    mutating func insert(_ hash: UInt64) {
        shards[Self.shard(of: hash)].insert(hash)
        count += 1
    }

    /// Bytes of slots allocated, for tests and the memory bound.
    var allocatedBytes: Int {
        shards.reduce(0) { $0 + $1.slotCount * 8 }
    }
}

/// One shard of a ``DenseHashSet``: an ordered linear-probing table of nonzero hashes that all
/// share their top ``DenseHashSet/shardBits`` bits.
struct OrderedHashTable {
    static let maxLoad = 0.92
    static let growthFactor = 1.125
    /// Home slots: a hash's home is its bits below the shard bits scaled to this many slots.
    private var homeCount = 16
    /// Slots past the home slots, for runs that pass the last home slot.
    private var tailCount = 16
    /// `homeCount` slots plus the tail; 0 is empty. The last slot is always empty, so a lookup
    /// needs no bounds check.
    private var slots = [UInt64](repeating: 0, count: 16 + 16)
    private var count = 0

    var slotCount: Int { slots.count }

    @inline(__always)
    private func home(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash << UInt64(DenseHashSet.shardBits)).multipliedFullWidth(by: UInt64(homeCount)).high)
    }

    func contains(_ hash: UInt64) -> Bool {
        slots.withUnsafeBufferPointer { table in
            var slot = home(of: hash)
            while table[slot] != 0, table[slot] < hash { slot += 1 }
            return table[slot] == hash
        }
    }

    /// Inserts `hash`, which must be nonzero and not in the table.
    mutating func insert(_ hash: UInt64) {
        if Double(count + 1) > Double(homeCount) * Self.maxLoad {
            rebuild(homeCount: Int(Double(homeCount) * Self.growthFactor) + 1)
        }
        while !insertInPlace(hash) {
            // The run would fill the last slot: rebuild with a longer tail.
            tailCount *= 2
            rebuild(homeCount: homeCount)
        }
        count += 1
    }

    /// Puts `hash` in its sorted place, shifting the rest of its run one slot right; returns
    /// false, changing nothing, when the run would reach the last slot.
    private mutating func insertInPlace(_ hash: UInt64) -> Bool {
        let start = home(of: hash)
        return slots.withUnsafeMutableBufferPointer { table in
            var slot = start
            while table[slot] != 0, table[slot] < hash { slot += 1 }
            var end = slot
            while table[end] != 0 { end += 1 }
            guard end < table.count - 1 else { return false }
            if end > slot {
                let base = table.baseAddress!
                (base + slot + 1).update(from: base + slot, count: end - slot)
            }
            table[slot] = hash
            return true
        }
    }

    /// Moves every hash into a table of `homeCount` home slots in one pass. The occupied slots
    /// are in ascending order across the whole table, because home slots rise with the hash.
    private mutating func rebuild(homeCount newHomeCount: Int) {
        let old = slots
        homeCount = newHomeCount
        tailCount = max(tailCount, 16, newHomeCount / 64)
        var fresh = [UInt64](repeating: 0, count: newHomeCount + tailCount)
        var next = 0
        for hash in old where hash != 0 {
            let slot = max(home(of: hash), next)
            if slot >= fresh.count - 1 {
                tailCount *= 2
                fresh.append(contentsOf: repeatElement(0, count: newHomeCount + tailCount - fresh.count))
            }
            fresh[slot] = hash
            next = slot + 1
        }
        slots = fresh
    }
}
