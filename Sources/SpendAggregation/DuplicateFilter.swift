/// Remembers the ids of accepted events for a horizon of arrival time, to count repeats once.
///
/// Ids are kept as 64-bit hashes in an open-addressing set and a FIFO of arrival order. An id
/// leaves when it arrived more than `horizonSeconds` ago or when `capacity` newer ids push it
/// out, so memory is at most about 32 bytes x `capacity` (a 16-byte FIFO entry and at most two
/// 8-byte slots). Two different ids collide with probability about n^2 / 2^65 (3e-6 for 10
/// million ids), in which case the second would wrongly count as a duplicate.
struct DuplicateFilter {
    let capacity: Int
    let horizonSeconds: Int64
    private var slots: [UInt64]
    private var fifoHashes: [UInt64] = []
    private var fifoSeconds: [Int64] = []
    private var fifoStart = 0
    private var stored = 0

    init(capacity: Int, horizonSeconds: Int64) {
        self.capacity = max(capacity, 1)
        self.horizonSeconds = horizonSeconds
        slots = Array(repeating: 0, count: 1 << 12)
    }

    var count: Int { stored }

    /// Records `hash` at arrival second `now`; returns false when it was already there.
    mutating func insert(_ rawHash: UInt64, now: Int64) -> Bool {
        let hash = rawHash == 0 ? 1 : rawHash
        expire(now: now)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            if slots[slot] == hash { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = hash
        stored += 1
        fifoHashes.append(hash)
        fifoSeconds.append(now)
        if stored > capacity { removeOldest() }
        if stored * 2 > slots.count { resize(slots.count * 2) }
        return true
    }

    private mutating func expire(now: Int64) {
        while fifoStart < fifoHashes.count, fifoSeconds[fifoStart] <= now - horizonSeconds {
            removeOldest()
        }
        // Compact the FIFO once its consumed head is as large as what is left.
        if fifoStart > 4096, fifoStart * 2 > fifoHashes.count {
            fifoHashes.removeFirst(fifoStart)
            fifoSeconds.removeFirst(fifoStart)
            fifoStart = 0
        }
    }

    private mutating func removeOldest() {
        let hash = fifoHashes[fifoStart]
        fifoStart += 1
        remove(hash)
    }

    /// Removes `hash` with backward-shift deletion, which keeps linear probing correct without tombstones.
    private mutating func remove(_ hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != hash {
            if slots[slot] == 0 { return }
            slot = (slot + 1) & mask
        }
        stored -= 1
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = Int(truncatingIfNeeded: slots[next]) & mask
            // The entry at `next` may move into the hole unless its home lies in (hole, next].
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToNext {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
    }

    private mutating func resize(_ newCount: Int) {
        var newSlots = Array(repeating: UInt64(0), count: newCount)
        let mask = newCount - 1
        for hash in slots where hash != 0 {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = hash
        }
        slots = newSlots
    }
}
