/// Records of the rolling windows, bucketed by event second in a ring of two days.
///
/// The ring covers the 24 hours before the clock and up to 24 hours after it (events may run
/// ahead of the clock by up to a day), so two live seconds never share a slot. A slot is
/// emptied when its second leaves the longest window.
struct SecondStore {
    static let slotCount = 2 * Int(WindowLength.longestRollingSeconds)
    private var seconds: [Int64]
    private var buckets: [[WindowRecord]]
    /// Every second at or before this has been evicted.
    private var evictedThrough = Int64.min
    private(set) var recordCount = 0

    init() {
        seconds = Array(repeating: Int64.min, count: Self.slotCount)
        buckets = Array(repeating: [], count: Self.slotCount)
    }

    @inline(__always)
    private static func slot(_ second: Int64) -> Int {
        Int(floorMod(second, Int64(slotCount)))
    }

    /// Adds a record at `second`; records more than a day ahead of `clock` are not kept.
    mutating func append(_ record: WindowRecord, second: Int64, clock: Int64) {
        guard second <= clock + WindowLength.longestRollingSeconds, second > evictedThrough else { return }
        let slot = Self.slot(second)
        if seconds[slot] != second {
            recordCount -= buckets[slot].count
            buckets[slot].removeAll(keepingCapacity: true)
            seconds[slot] = second
        }
        buckets[slot].append(record)
        recordCount += 1
    }

    /// Frees the records of every second up to and including `second`.
    mutating func evict(through second: Int64) {
        guard second > evictedThrough else { return }
        let first = evictedThrough == Int64.min ? second - Int64(Self.slotCount) + 1 : evictedThrough + 1
        let start = max(first, second - Int64(Self.slotCount) + 1)
        var current = start
        while current <= second {
            let slot = Self.slot(current)
            if seconds[slot] <= second, seconds[slot] != Int64.min {
                recordCount -= buckets[slot].count
                buckets[slot] = []
                seconds[slot] = Int64.min
            }
            current += 1
        }
        evictedThrough = second
    }

    /// Calls `body` with the records of each second in `range`, oldest first.
    func forEachSecond(in range: ClosedRange<Int64>, _ body: (Int64, UnsafeBufferPointer<WindowRecord>) -> Void) {
        let lower = max(range.lowerBound, range.upperBound - Int64(Self.slotCount) + 1)
        guard lower <= range.upperBound else { return }
        for second in lower...range.upperBound {
            let slot = Self.slot(second)
            guard seconds[slot] == second else { continue }
            buckets[slot].withUnsafeBufferPointer { body(second, $0) }
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
        next = (next + 1) % capacity
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
