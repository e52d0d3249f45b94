#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An insert-only set of nonzero 64-bit hashes. Past about 2 million hashes the load stays at
/// 0.89 to 0.95, so 8.4 to 9.1 bytes each with the tails of the shards. Smaller sets double, at a
/// load of 0.475 to 0.95, from 1,024 home slots per shard: an empty set maps 520 KiB, and pages
/// become resident only when a hash is written to them.
///
/// The hashes are spread over 64 shards by their top 6 bits, so a shard that grows copies only
/// 1/64 of the set and the peak memory of a growth stays small. Each shard is an ordered
/// linear-probing table (Amble and Knuth, 1974). A hash's home slot is the next bits of the hash
/// scaled to the table size, so home slots rise with the hash. Every run of occupied slots is
/// kept sorted. A lookup then stops at the first empty slot or larger hash, which keeps lookups
/// short at high load. The table does not wrap around: slots past the last home slot absorb the
/// end of the last run. Tables live in their own memory mappings (``SlotMemory``).
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
///
/// Lookups scan about 1 / (2 (1 - load)) slots and an insert shifts about 1 / (2 (1 - load)^2)
/// slots, 200 at the maximum load of 0.95: one short memmove.
struct OrderedHashTable {
    static let maxLoad = 0.95
    /// Growth of a large table: small steps keep the load, and so the bytes per id, high.
    static let growthFactor = 1.0625
    /// Below this many home slots a table doubles instead. Each growth copies every hash and
    /// touches fresh pages, so small steps from the start would cost about 16 copies per id.
    static let doublingLimit = 1 << 15
    /// Home slots: a hash's home is its bits below the shard bits scaled to this many slots.
    /// Starting at 1,024 saves a fresh set six doublings, each of which copies every hash.
    private var homeCount = 1024
    /// Slots past the home slots, for runs that pass the last home slot.
    private var tailCount = 16
    /// `homeCount` slots plus the tail; 0 is empty. The last slot is always empty, so a lookup
    /// needs no bounds check.
    private var slots = SlotMemory(count: 1024 + 16)
    private var count = 0

    var slotCount: Int { slots.count }

    @inline(__always)
    private func home(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash << UInt64(DenseHashSet.shardBits)).multipliedFullWidth(by: UInt64(homeCount)).high)
    }

    func contains(_ hash: UInt64) -> Bool {
        let table = slots.pointer
        var slot = home(of: hash)
        while table[slot] != 0, table[slot] < hash { slot += 1 }
        return table[slot] == hash
    }

    /// Inserts `hash`, which must be nonzero and not in the table.
    mutating func insert(_ hash: UInt64) {
        if !isKnownUniquelyReferenced(&slots) {
            let copy = SlotMemory(count: slots.count)
            copy.pointer.update(from: slots.pointer, count: slots.count)
            slots = copy
        }
        if Double(count + 1) > Double(homeCount) * Self.maxLoad {
            let factor = homeCount < Self.doublingLimit ? 2 : Self.growthFactor
            rebuild(homeCount: Int(Double(homeCount) * factor) + 1)
        }
        while !insertInPlace(hash) {
            // The run would fill the last slot: rebuild with a longer tail.
            tailCount *= 2
            rebuild(homeCount: homeCount)
        }
        count += 1
    }

    /// Puts `hash` in its sorted place and shifts the rest of its run one slot right. Returns
    /// false, changing nothing, when the run would reach the last slot.
    private mutating func insertInPlace(_ hash: UInt64) -> Bool {
        let table = slots.pointer
        var slot = home(of: hash)
        while table[slot] != 0, table[slot] < hash { slot += 1 }
        var end = slot
        while table[end] != 0 { end += 1 }
        guard end < slots.count - 1 else { return false }
        if end > slot {
            (table + slot + 1).update(from: table + slot, count: end - slot)
        }
        table[slot] = hash
        return true
    }

    /// Moves every hash into a table of `homeCount` home slots in one pass. The occupied slots
    /// are in ascending order across the whole table, because home slots rise with the hash.
    private mutating func rebuild(homeCount newHomeCount: Int) {
        let old = slots
        homeCount = newHomeCount
        tailCount = max(tailCount, 16, newHomeCount / 64)
        var fresh = SlotMemory(count: newHomeCount + tailCount)
        var next = 0
        for index in 0..<old.count where old.pointer[index] != 0 {
            let hash = old.pointer[index]
            let slot = max(home(of: hash), next)
            if slot >= fresh.count - 1 {
                tailCount *= 2
                let longer = SlotMemory(count: newHomeCount + tailCount)
                longer.pointer.update(from: fresh.pointer, count: fresh.count)
                fresh = longer
            }
            fresh.pointer[slot] = hash
            next = slot + 1
        }
        slots = fresh
    }
}

/// Zero-filled hash slots in an anonymous memory mapping of their own.
///
/// A grown table frees its old slots at once, so the memory goes back to the system. From
/// the heap, the old tables of a growing set stayed resident: the duplicate filter of the
/// benchmark's 10 million ids held about 18 MiB more that way (`spendtop bench --only memory`).
final class SlotMemory {
    let pointer: UnsafeMutablePointer<UInt64>
    let count: Int
    private let byteCount: Int

    init(count: Int) {
        self.count = count
        byteCount = count * MemoryLayout<UInt64>.stride
        let address = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            fatalError("mmap of \(byteCount) bytes for the duplicate filter failed with errno \(errno); the process is out of memory or address space.")
        }
        pointer = address.bindMemory(to: UInt64.self, capacity: count)
    }

    deinit {
        munmap(pointer, byteCount)
    }
}
