/// Totals of one combination of user, organization and group among the events outside the
/// rolling windows: 56 bytes.
///
/// A group is either all cache hits or all not, so three fields serve both: prompt,
/// completion and total tokens, or for a cache hit group its savings, cached tokens and the
/// number of estimated savings.
struct CombinationTotal {
    var user: UInt32
    var organization: UInt32
    var group: UInt32
    var maxLatency: UInt32 = 0
    var requests: Int64 = 0
    var spendMicros: Int64 = 0
    var first: Int64 = 0
    var second: Int64 = 0
    var third: Int64 = 0

    init(user: UInt32, organization: UInt32, group: UInt32) {
        self.user = user
        self.organization = organization
        self.group = group
    }

    mutating func add(_ record: WindowRecord, cached: Bool) {
        requests += 1
        spendMicros &+= record.costMicros
        if cached {
            first &+= record.savingsMicros
            second &+= Int64(record.totalTokens)
            if record.savingsEstimated { third += 1 }
        } else {
            first &+= Int64(record.promptTokens)
            second &+= Int64(record.completionTokens)
            third &+= Int64(record.totalTokens)
        }
        maxLatency = max(maxLatency, record.latencyMilliseconds)
    }

    /// The totals as row sums; `cached` must be the cache flag of the group.
    func sums(cached: Bool) -> RowSums {
        var sums = RowSums()
        sums.requests = requests
        sums.spendMicros = spendMicros
        if cached {
            sums.cacheHits = requests
            sums.savingsMicros = first
            sums.cachedTokens = second
            sums.estimatedSavingsCount = third
        } else {
            sums.promptTokens = first
            sums.completionTokens = second
            sums.totalTokens = third
        }
        sums.maxLatency = Int64(maxLatency)
        return sums
    }
}

/// The `all` window's totals of the accepted events that the rolling windows do not hold
/// (evicted, late, or too far ahead of the clock), one per combination of user, organization
/// and group, with memory bounded by `maxCombinations`.
///
/// Up to `maxCombinations` combinations keep their own total. Past that, an event of a new
/// combination is added to the total of its organization and group with the user "(other)".
/// When that total is new too and `maxCombinations / 8` more entries exist, the organization
/// is "(other)" as well. So at most 1.125 x `maxCombinations` plus the number of groups are kept,
/// and every event is counted once, in the total of every filter that matches its folded keys.
/// Entries live in pages of 8,192, so storage grows with no more slack than one page.
struct AllTimeTotals {
    static let pageSize = 8_192
    let maxCombinations: Int
    private var pages: [[CombinationTotal]] = []
    /// Open-addressing slots holding an entry index + 1, or 0 when empty.
    private var slots: [UInt32] = Array(repeating: 0, count: 1 << 10)
    private(set) var count = 0
    /// Evicted events whose user, or user and organization, were folded into "(other)" here.
    private(set) var foldedEvents: Int64 = 0

    init(maxCombinations: Int) {
        self.maxCombinations = max(maxCombinations, 1)
    }

    /// Adds `record` to its combination's total; `cached` must be the cache flag of its group.
    mutating func add(_ record: WindowRecord, cached: Bool) {
        var (user, organization, group) = (record.user, record.organization, record.group)
        var index = entryIndex(user: user, organization: organization, group: group)
        if index == nil, count >= maxCombinations {
            foldedEvents += 1
            user = KeyInterner.otherID
            index = entryIndex(user: user, organization: organization, group: group)
            if index == nil, count >= maxCombinations + maxCombinations / 8 {
                organization = KeyInterner.otherID
                index = entryIndex(user: user, organization: organization, group: group)
            }
        }
        let position = index ?? insert(user: user, organization: organization, group: group)
        pages[position / Self.pageSize][position % Self.pageSize].add(record, cached: cached)
    }

    /// Calls `body` with every total.
    func forEach(_ body: (CombinationTotal) -> Void) {
        for page in pages {
            for total in page { body(total) }
        }
    }

    @inline(__always)
    private static func hash(user: UInt32, organization: UInt32, group: UInt32) -> UInt64 {
        ByteHash.mix(ByteHash.mix(UInt64(user) << 32 | UInt64(organization)) ^ UInt64(group))
    }

    private func entryIndex(user: UInt32, organization: UInt32, group: UInt32) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(user: user, organization: organization, group: group)) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            let entry = pages[index / Self.pageSize][index % Self.pageSize]
            if entry.user == user, entry.organization == organization, entry.group == group { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func insert(user: UInt32, organization: UInt32, group: UInt32) -> Int {
        let index = count
        if index / Self.pageSize == pages.count {
            var page: [CombinationTotal] = []
            page.reserveCapacity(Self.pageSize)
            pages.append(page)
        }
        pages[index / Self.pageSize].append(CombinationTotal(user: user, organization: organization, group: group))
        count += 1
        if count * 2 > slots.count {
            grow()
        } else {
            place(index, in: &slots)
        }
        return index
    }

    private func place(_ index: Int, in table: inout [UInt32]) {
        let entry = pages[index / Self.pageSize][index % Self.pageSize]
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(user: entry.user, organization: entry.organization, group: entry.group)) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = UInt32(index + 1)
    }

    private mutating func grow() {
        var newSlots = Array(repeating: UInt32(0), count: slots.count * 2)
        for index in 0..<count { place(index, in: &newSlots) }
        slots = newSlots
    }
}
