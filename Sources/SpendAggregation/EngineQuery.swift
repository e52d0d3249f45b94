import SpendEvents

/// Filter verdicts per combination id, kept for one filter at a time and extended as combinations appear.
struct FilterMatchCache {
    var filter: Filter?
    var verdicts: [Bool] = []
}

/// A recent event for the live tail, with its text resolved.
public struct TailEvent: Equatable, Sendable {
    public var timeMilliseconds: Int64
    public var provider: String?
    public var model: String?
    public var service: String?
    public var organization: String?
    public var user: String?
    public var requestType: String?
    public var cached: Bool
    public var cost: Money
    public var cacheSavings: Money
    public var totalTokens: Int64
    public var latencyMilliseconds: Int64
}

extension SpendEngine {
    /// Computes totals and rows over the whole window at once: events that arrived before the filter
    /// was set count as much as those after.
    ///
    /// - Parameters:
    ///   - window: a rolling length ending at `endSeconds`, or `all`.
    ///   - endSeconds: inclusive end in Unix seconds; the engine clock by default.
    ///   - timelineBuckets: when above 0, `QueryResult.timeline` holds the window's spend in that
    ///     many equal buckets, oldest first (rolling windows only).
    public func query(
        window: WindowLength, filter: Filter = .all, endSeconds: Int64? = nil, timelineBuckets: Int = 0
    ) -> QueryResult {
        let end = endSeconds ?? (clockSeconds == Int64.min ? 0 : clockSeconds)
        let verdicts = matchVerdicts(for: filter)
        var perCombination = SparseAccumulators(capacity: combinations.count)
        var timeline = [Int64](repeating: 0, count: max(timelineBuckets, 0))
        var start: Int64?

        if let length = window.seconds {
            let windowStart = end - length
            start = windowStart
            let bucketCount = Int64(timeline.count)
            store.forEachSecond(in: (windowStart + 1)...end) { second, records in
                let bucket = bucketCount > 0 ? Int((second - windowStart - 1) * bucketCount / length) : 0
                for record in records where verdicts[Int(record.combination)] {
                    let cached = combinations[record.combination].cached
                    perCombination.add(record, cached: cached, id: record.combination)
                    if bucketCount > 0 { timeline[bucket] &+= record.costMicros }
                }
            }
        } else {
            for (id, totals) in allTime.enumerated() where verdicts[id] {
                perCombination.merge(totals, id: UInt32(id))
            }
        }

        var total = RowAccumulator()
        var byDimension: [Dimension: [ReportRow]] = [:]
        var dimensionRows = Dimension.allCases.map { _ in SparseAccumulators(capacity: 0) }
        for index in perCombination.accumulators.indices {
            let combination = combinations[perCombination.ids[index]]
            let totals = perCombination.accumulators[index]
            total.merge(totals)
            for dimension in Dimension.allCases {
                dimensionRows[dimensionIndex(dimension)].merge(totals, id: combination.id(dimension), growing: true)
            }
        }
        for dimension in Dimension.allCases {
            let rows = dimensionRows[dimensionIndex(dimension)]
            var reportRows: [ReportRow] = []
            reportRows.reserveCapacity(rows.ids.count)
            for (index, id) in rows.ids.enumerated() {
                reportRows.append(rows.accumulators[index].row(key: value(dimension, id)))
            }
            reportRows.sort(by: rowOrder)
            byDimension[dimension] = reportRows
        }

        var result = QueryResult(
            window: window, start: start, end: end, filter: filter.text,
            counts: counts, total: total.row(key: nil), rows: byDimension
        )
        result.timeline = timeline.map { Money(micros: $0) }
        return result
    }

    /// Returns the newest accepted events that match `filter`, newest first, at most `limit`.
    public func recentEvents(limit: Int, filter: Filter = .all) -> [TailEvent] {
        let verdicts = matchVerdicts(for: filter)
        var events: [TailEvent] = []
        for entry in tail.newestFirst where verdicts[Int(entry.record.combination)] {
            let combination = combinations[entry.record.combination]
            events.append(TailEvent(
                timeMilliseconds: entry.timeMilliseconds,
                provider: value(.provider, combination.provider),
                model: value(.model, combination.model),
                service: value(.service, combination.service),
                organization: value(.organization, combination.organization),
                user: value(.user, combination.user),
                requestType: value(.requestType, combination.requestType),
                cached: combination.cached,
                cost: Money(micros: entry.record.costMicros),
                cacheSavings: Money(micros: entry.record.savingsMicros),
                totalTokens: Int64(entry.record.totalTokens),
                latencyMilliseconds: Int64(entry.record.latencyMilliseconds)
            ))
            if events.count >= limit { break }
        }
        return events
    }

    /// Returns whether each combination matches `filter`, evaluating only combinations not seen before.
    func matchVerdicts(for filter: Filter) -> [Bool] {
        if filterCache.filter != filter {
            filterCache = FilterMatchCache(filter: filter, verdicts: [])
        }
        var verdicts = filterCache.verdicts
        filterCache.verdicts = []
        verdicts.reserveCapacity(combinations.count)
        while verdicts.count < combinations.count {
            let combination = combinations[UInt32(verdicts.count)]
            verdicts.append(filter.isEmpty || filter.matches(subject(of: combination)))
        }
        filterCache.verdicts = verdicts
        return verdicts
    }

    func subject(of combination: Combination) -> FilterSubject {
        FilterSubject(
            provider: value(.provider, combination.provider),
            model: value(.model, combination.model),
            service: value(.service, combination.service),
            organization: value(.organization, combination.organization),
            user: value(.user, combination.user),
            requestType: value(.requestType, combination.requestType),
            cached: combination.cached
        )
    }
}

/// Rows sorted by spend, highest first; ties by requests, then by key with missing keys last.
func rowOrder(_ lhs: ReportRow, _ rhs: ReportRow) -> Bool {
    if lhs.spend != rhs.spend { return lhs.spend > rhs.spend }
    if lhs.requests != rhs.requests { return lhs.requests > rhs.requests }
    switch (lhs.key, rhs.key) {
    case let (left?, right?): return left < right
    case (_?, nil): return true
    default: return false
    }
}

/// Accumulators for the ids a query touches, in first-touch order, with a dense index by id.
struct SparseAccumulators {
    /// Position + 1 of each id's accumulator, or 0 when the id was not touched.
    private var positions: [Int32]
    private(set) var ids: [UInt32] = []
    private(set) var accumulators: [RowAccumulator] = []

    init(capacity: Int) {
        positions = Array(repeating: 0, count: capacity)
    }

    @inline(__always)
    private mutating func position(of id: UInt32, growing: Bool) -> Int {
        let index = Int(id)
        if growing, index >= positions.count {
            positions.append(contentsOf: repeatElement(0, count: index - positions.count + 1))
        }
        let stored = positions[index]
        if stored != 0 { return Int(stored) - 1 }
        ids.append(id)
        accumulators.append(RowAccumulator())
        positions[index] = Int32(accumulators.count)
        return accumulators.count - 1
    }

    @inline(__always)
    mutating func add(_ record: WindowRecord, cached: Bool, id: UInt32) {
        let index = position(of: id, growing: false)
        accumulators[index].add(record, cached: cached)
    }

    mutating func merge(_ totals: RowAccumulator, id: UInt32, growing: Bool = false) {
        let index = position(of: id, growing: growing)
        accumulators[index].merge(totals)
    }
}
