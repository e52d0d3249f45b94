/// Remembers the ids of accepted events for a horizon of arrival time, to count repeats once.
///
/// Ids are kept as 64-bit hashes in generations: sets that each take the ids arriving within
/// half a horizon and are dropped whole once their newest id is older than the horizon. So an
/// id is remembered for at least `horizonSeconds` and at most 1.5 times that. Nothing per id is
/// kept beyond its 8-byte slot: ``DenseHashSet`` keeps its load between 0.89 and 0.95, so 8.4 to
/// 9.1 bytes per id with the shards' tails. A generation also closes at `capacity / 2` ids, and when more than
/// `capacity` ids are held the oldest generation is dropped early, so at high rates the horizon
/// shrinks to the newest `capacity / 2` to `capacity` ids. A new id is compared with at most
/// `capacity` stored hashes, so it is wrongly counted as a duplicate with probability at most
/// `capacity` / 2^64, which is 5.4e-13 at 10 million. At 10 million new ids a day that makes
/// about 5.4e-6 false duplicates a day, one in 500 years.
struct DuplicateFilter {
    let capacity: Int
    let horizonSeconds: Int64
    /// Arrival seconds covered by one generation.
    let generationSeconds: Int64
    /// Live generations, oldest first.
    private var generations: [DenseHashSet] = []
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
            var generation = DenseHashSet()
            generation.insert(hash)
            generations.append(generation)
            generationStarts.append(now)
        }
        stored += 1
        while stored > capacity {
            if generations.count == 1 {
                // A single generation over the cap: start afresh with this id only.
                generations[0] = DenseHashSet()
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

