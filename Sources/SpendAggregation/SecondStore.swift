/// Records of the rolling windows, bucketed by event second in a ring of two days.
///
/// The ring covers the 24 hours before the clock and up to 24 hours after it (events may run
/// ahead of the clock by up to a day), so two live seconds never share a slot. A slot is
/// emptied when its second leaves the longest window. Each second keeps its events as 16-byte
/// ``StoredRecord``s, plus the rare events that need a full ``WindowRecord``.
struct SecondStore {
    static let slotCount = 2 * Int(WindowLength.longestRollingSeconds)
    /// Seconds behind the clock after which a slot's array is trimmed to its size. Events
    /// arrive up to a few seconds out of order, so a later append to a trimmed slot is rare.
    static let trimDelaySeconds: Int64 = 4
    private var seconds: [Int64]
    private var buckets: [[StoredRecord]]
    private var wideBuckets: [[WindowRecord]]
    /// Every second at or before this has been evicted.
    private var evictedThrough = Int64.min
    /// Every slot of a second at or before this has been trimmed.
    private var trimmedThrough = Int64.min
    private(set) var recordCount = 0

    init() {
        seconds = Array(repeating: Int64.min, count: Self.slotCount)
        buckets = Array(repeating: [], count: Self.slotCount)
        wideBuckets = Array(repeating: [], count: Self.slotCount)
    }

    @inline(__always)
    private static func slot(_ second: Int64) -> Int {
        Int(floorMod(second, Int64(slotCount)))
    }

    /// Adds a record at `second` and returns true, or returns false without keeping it when
    /// `second` is more than a day ahead of `clock` or already evicted.
    ///
    /// A slot still holding a second two days older, which happens only while the clock has
    /// not been set, passes those records to `displaced` before it is reused.
    mutating func append(
        _ record: WindowRecord, cached: Bool, second: Int64, clock: Int64, displaced: (StoredRecordView) -> Void
    ) -> Bool {
        guard second <= clock + WindowLength.longestRollingSeconds, second > evictedThrough else { return false }
        let slot = Self.slot(second)
        if seconds[slot] != second {
            if seconds[slot] != Int64.min {
                buckets[slot].withUnsafeBufferPointer { compact in
                    wideBuckets[slot].withUnsafeBufferPointer { wide in
                        displaced(StoredRecordView(compact: compact, wide: wide))
                    }
                }
            }
            recordCount -= buckets[slot].count + wideBuckets[slot].count
            buckets[slot].removeAll(keepingCapacity: true)
            wideBuckets[slot] = []
            seconds[slot] = second
            // A second usually has about as many events as the one before it. Reserving that many
            // at once saves the array its doublings from empty, each an allocation and a copy.
            let previous = Self.slot(second - 1)
            if seconds[previous] == second - 1 {
                buckets[slot].reserveCapacity(buckets[previous].count)
            }
        }
        if let stored = StoredRecord(record, cached: cached) {
            buckets[slot].append(stored)
        } else {
            wideBuckets[slot].append(record)
        }
        recordCount += 1
        return true
    }

    /// Shrinks the arrays of every second up to and including `second` to their size, so
    /// they keep no growth slack.
    mutating func trim(through second: Int64) {
        guard second > trimmedThrough else { return }
        let start = max(trimmedThrough == Int64.min ? second : trimmedThrough + 1, second - Int64(Self.slotCount) + 1)
        trimmedThrough = second
        for current in start...second {
            let slot = Self.slot(current)
            guard seconds[slot] == current, buckets[slot].capacity > buckets[slot].count else { continue }
            var trimmed: [StoredRecord] = []
            trimmed.reserveCapacity(buckets[slot].count)
            trimmed.append(contentsOf: buckets[slot])
            buckets[slot] = trimmed
        }
    }

    /// Frees the records of every second up to and including `second`, passing each second's
    /// records to `evicted` first.
    mutating func evict(through second: Int64, _ evicted: (StoredRecordView) -> Void) {
        guard second > evictedThrough else { return }
        let first = evictedThrough == Int64.min ? second - Int64(Self.slotCount) + 1 : evictedThrough + 1
        let start = max(first, second - Int64(Self.slotCount) + 1)
        var current = start
        while current <= second {
            let slot = Self.slot(current)
            if seconds[slot] <= second, seconds[slot] != Int64.min {
                buckets[slot].withUnsafeBufferPointer { compact in
                    wideBuckets[slot].withUnsafeBufferPointer { wide in
                        evicted(StoredRecordView(compact: compact, wide: wide))
                    }
                }
                recordCount -= buckets[slot].count + wideBuckets[slot].count
                buckets[slot] = []
                wideBuckets[slot] = []
                seconds[slot] = Int64.min
            }
            current += 1
        }
        evictedThrough = second
    }

    /// Returns the oldest second that still has records, or nil when none has.
    mutating func oldestHeldSecond(clock: Int64) -> Int64? {
        let newest = clock == Int64.min ? Int64.max : clock + WindowLength.longestRollingSeconds
        if evictedThrough == Int64.min {
            // Before the first eviction the slots may hold any second, so look at all of them.
            return seconds.filter { $0 != Int64.min }.min()
        }
        var current = evictedThrough + 1
        while current <= newest {
            if seconds[Self.slot(current)] == current { return current }
            current += 1
        }
        return nil
    }

    /// Calls `body` with the records of each second in `range`, oldest first.
    func forEachSecond(in range: ClosedRange<Int64>, _ body: (Int64, StoredRecordView) -> Void) {
        let lower = max(range.lowerBound, range.upperBound - Int64(Self.slotCount) + 1)
        guard lower <= range.upperBound else { return }
        for second in lower...range.upperBound {
            let slot = Self.slot(second)
            guard seconds[slot] == second else { continue }
            buckets[slot].withUnsafeBufferPointer { compact in
                wideBuckets[slot].withUnsafeBufferPointer { wide in
                    body(second, StoredRecordView(compact: compact, wide: wide))
                }
            }
        }
    }

    /// Calls `body` with the records of every second held, in no particular order.
    func forEachStoredSecond(_ body: (Int64, StoredRecordView) -> Void) {
        for slot in 0..<Self.slotCount where seconds[slot] != Int64.min {
            buckets[slot].withUnsafeBufferPointer { compact in
                wideBuckets[slot].withUnsafeBufferPointer { wide in
                    body(seconds[slot], StoredRecordView(compact: compact, wide: wide))
                }
            }
        }
    }
}

/// The records of one second: compact ones and the few kept at full width.
struct StoredRecordView {
    let compact: UnsafeBufferPointer<StoredRecord>
    let wide: UnsafeBufferPointer<WindowRecord>

    /// Calls `body` with each record at full width. A compact record is read with the cache
    /// flag of its group, from `cachedFlags` by group id.
    @inline(__always)
    func forEach(cachedFlags: [Bool], _ body: (WindowRecord) -> Void) {
        for record in compact {
            body(record.expanded(cached: cachedFlags[record.group]))
        }
        for record in wide {
            body(record)
        }
    }
}

@inline(__always)
public func floorMod(_ value: Int64, _ divisor: Int64) -> Int64 {
    let remainder = value % divisor
    return remainder < 0 ? remainder + divisor : remainder
}

/// One event of the live tail: a record and its time.
struct TailRecord {
    var timeMilliseconds: Int64
    var record: WindowRecord
}

/// The most recent accepted events, by arrival, in a fixed ring.
struct TailRing {
    let capacity: Int
    private(set) var records: [TailRecord] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        records.reserveCapacity(self.capacity)
    }

    mutating func append(_ record: TailRecord) {
        if records.count < capacity {
            records.append(record)
        } else {
            records[next] = record
        }
        // A comparison rather than `%`, which compiled to a division on every event.
        next = next + 1 == capacity ? 0 : next + 1
    }

    /// The records, newest first.
    var newestFirst: [TailRecord] {
        guard records.count == capacity else { return records.reversed() }
        return (Array(records[next...]) + Array(records[..<next])).reversed()
    }
}

/// USD per token seen so far, per model and per provider, for estimating cache savings.
struct SavingsRates {
    private var modelCost: [Int64] = []
    private var modelTokens: [Int64] = []
    private var providerCost: [Int64] = []
    private var providerTokens: [Int64] = []

    mutating func record(model: UInt32, provider: UInt32, costMicros: Int64, tokens: Int64) {
        guard tokens > 0 else { return }
        Self.add(&modelCost, &modelTokens, Int(model), costMicros, tokens)
        Self.add(&providerCost, &providerTokens, Int(provider), costMicros, tokens)
    }

    private static func add(_ cost: inout [Int64], _ tokens: inout [Int64], _ id: Int, _ micros: Int64, _ count: Int64) {
        if id >= cost.count {
            cost.append(contentsOf: repeatElement(0, count: id - cost.count + 1))
            tokens.append(contentsOf: repeatElement(0, count: id - tokens.count + 1))
        }
        cost[id] &+= micros
        tokens[id] &+= count
    }

    /// Estimated micro-dollars for `tokens` at the model's rate, else the provider's; nil with neither.
    func estimate(model: UInt32, provider: UInt32, tokens: Int64) -> Int64? {
        if let value = Self.rate(modelCost, modelTokens, Int(model), tokens) { return value }
        return Self.rate(providerCost, providerTokens, Int(provider), tokens)
    }

    private static func rate(_ cost: [Int64], _ tokens: [Int64], _ id: Int, _ count: Int64) -> Int64? {
        guard id < cost.count, tokens[id] > 0, id != Int(KeyInterner.missingID), id != Int(KeyInterner.otherID) else { return nil }
        // tokens x cost / seenTokens in 128 bits, rounded half up.
        let product = count.multipliedFullWidth(by: cost[id])
        let (quotient, remainder) = tokens[id].dividingFullWidth(product)
        return remainder * 2 >= tokens[id] ? quotient + 1 : quotient
    }
}
