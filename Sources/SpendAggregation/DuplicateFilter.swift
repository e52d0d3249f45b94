/// Remembers the ids of accepted events for a horizon of arrival time, to count repeats once.
///
/// Ids are kept as 64-bit hashes in generations: open-addressing sets that each take the ids
/// arriving within half a horizon and are dropped whole once their newest id is older than the
/// horizon. So an id is remembered for at least `horizonSeconds` and at most 1.5 times that,
/// and nothing per id is kept beyond its 8-byte slot (a table grows at load 0.75, so 10.7 to
/// 21.3 bytes per id). A generation also closes at `capacity / 2` ids, and when more than
/// `capacity` ids are held the oldest generation is dropped early, so at high rates the horizon
/// shrinks to the newest `capacity / 2` to `capacity` ids. Two different ids collide with probability about n^2 / 2^65 (3e-6 for 10 million
/// ids), in which case the second would wrongly count as a duplicate.
struct DuplicateFilter {
    let capacity: Int
    let horizonSeconds: Int64
    /// Arrival seconds covered by one generation.
    let generationSeconds: Int64
    /// Live generations, oldest first.
    private var generations: [HashSet64] = []
    private var generationStarts: [Int64] = []
    private var stored = 0

    init(capacity: Int, horizonSeconds: Int64) {
        self.capacity = max(capacity, 1)
        self.horizonSeconds = horizonSeconds
        generationSeconds = max(horizonSeconds / 2, 1)
    }

    var count: Int { stored }

    /// Records `hash` at arrival second `now`; returns false when it was already there.
    mutating func insert(_ rawHash: UInt64, now: Int64) -> Bool {
        let hash = rawHash == 0 ? 1 : rawHash
        expire(now: now)
        // The newest generation first: a repeat usually follows its original closely.
        for index in generations.indices.reversed() where generations[index].contains(hash) {
            return false
        }
        // A generation also closes at half the capacity, so dropping the oldest one for the cap
        // still leaves at least the newest half of the ids.
        if let start = generationStarts.last, now < start + generationSeconds, generations[generations.count - 1].count < capacity / 2 {
            generations[generations.count - 1].insert(hash)
        } else {
            var generation = HashSet64()
            generation.insert(hash)
            generations.append(generation)
            generationStarts.append(now)
        }
        stored += 1
        while stored > capacity {
            if generations.count == 1 {
                // A single generation over the cap: start afresh with this id only.
                generations[0] = HashSet64()
                generations[0].insert(hash)
                generationStarts[0] = now
                stored = 1
                break
            }
            dropOldest()
        }
        return true
    }

    /// Drops generations whose newest possible arrival, one second before the next
    /// generation's start at the latest, is at least `horizonSeconds` old.
    private mutating func expire(now: Int64) {
        while let start = generationStarts.first, start + generationSeconds - 1 <= now - horizonSeconds {
            dropOldest()
        }
    }

    private mutating func dropOldest() {
        stored -= generations[0].count
        generations.removeFirst()
        generationStarts.removeFirst()
    }
}

/// An insert-only open-addressing set of nonzero 64-bit hashes with linear probing.
struct HashSet64 {
    private var slots: [UInt64] = Array(repeating: 0, count: 1 << 12)
    private(set) var count = 0

    func contains(_ hash: UInt64) -> Bool {
        slots.withUnsafeBufferPointer { table in
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 {
                if table[slot] == hash { return true }
                slot = (slot + 1) & mask
            }
            return false
        }
    }

    /// Inserts `hash`, which must not be in the set.
    mutating func insert(_ hash: UInt64) {
        if (count + 1) * 4 > slots.count * 3 { resize(slots.count * 2) }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = hash
        count += 1
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
