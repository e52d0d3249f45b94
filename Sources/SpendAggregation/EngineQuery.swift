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
        var timeline = [Int64](repeating: 0, count: max(timelineBuckets, 0))
        var start: Int64?
        var totals = DimensionTotals(idCounts: Dimension.allCases.map { interners[dimensionIndex($0)].idCount })

        if let length = window.seconds {
            let windowStart = end - length
            start = windowStart
            let bucketCount = Int64(timeline.count)
            // Each matching record goes straight into its six rows: with many users nearly every
            // record has its own combination, so totals per combination would cost more than they save.
            combinations.combinations.withUnsafeBufferPointer { combinationList in
                verdicts.withUnsafeBufferPointer { verdictList in
                    store.forEachSecond(in: (windowStart + 1)...end) { second, records in
                        let bucket = bucketCount > 0 ? Int((second - windowStart - 1) * bucketCount / length) : 0
                        records.forEach(isCached: { combinationList[Int($0)].cached }) { record in
                            guard verdictList[Int(record.combination)] else { return }
                            totals.add(record, combinationList[Int(record.combination)])
                            if bucketCount > 0 { timeline[bucket] &+= record.costMicros }
                        }
                    }
                }
            }
        } else {
            for (id, accumulator) in folded.enumerated() where verdicts[id] && accumulator.requests > 0 {
                totals.merge(accumulator, combinations[UInt32(id)])
            }
            combinations.combinations.withUnsafeBufferPointer { combinationList in
                verdicts.withUnsafeBufferPointer { verdictList in
                    store.forEachStoredSecond { _, records in
                        records.forEach(isCached: { combinationList[Int($0)].cached }) { record in
                            guard verdictList[Int(record.combination)] else { return }
                            totals.add(record, combinationList[Int(record.combination)])
                        }
                    }
                }
            }
        }

        var byDimension: [Dimension: [ReportRow]] = [:]
        for dimension in Dimension.allCases {
            let rows = totals.rows[dimensionIndex(dimension)]
            var reportRows: [ReportRow] = []
            for (id, accumulator) in rows.enumerated() where accumulator.requests > 0 {
                reportRows.append(accumulator.row(key: value(dimension, UInt32(id))))
            }
            reportRows.sort(by: rowOrder)
            byDimension[dimension] = reportRows
        }
        let total = totals.total

        var result = QueryResult(
            window: window, start: start, end: end, filter: filter.text,
            counts: counts, total: total.row(key: nil), rows: byDimension
        )
        result.timeline = timeline.map { Money(micros: $0) }
        if let coverage = rollingCoverageStart, let start, start + 1 < coverage {
            result.completeSince = coverage
        }
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
    ///
    /// Each term of the filter is first evaluated once per distinct value of its dimension, so a
    /// combination is then matched with array lookups instead of string comparisons.
    func matchVerdicts(for filter: Filter) -> [Bool] {
        if filterCache.filter != filter {
            filterCache = FilterMatchCache(filter: filter, verdicts: [])
        }
        var verdicts = filterCache.verdicts
        filterCache.verdicts = []
        if verdicts.count < combinations.count {
            verdicts.reserveCapacity(combinations.count)
            if filter.isEmpty {
                verdicts.append(contentsOf: repeatElement(true, count: combinations.count - verdicts.count))
            } else {
                let compiled = ResolvedFilter(filter.expression, keyValues: { dimension in
                    self.interners[dimensionIndex(dimension)].values
                })
                while verdicts.count < combinations.count {
                    verdicts.append(compiled.matches(combinations[UInt32(verdicts.count)]))
                }
            }
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

/// Running totals of one query: the total and one accumulator per key id of each dimension.
struct DimensionTotals {
    var total = RowAccumulator()
    /// Accumulators by dimension index, then by key id; untouched ids keep zero requests.
    var rows: [[RowAccumulator]]

    init(idCounts: [Int]) {
        rows = idCounts.map { [RowAccumulator](repeating: RowAccumulator(), count: $0) }
    }

    @inline(__always)
    mutating func add(_ record: WindowRecord, _ combination: Combination) {
        let cached = combination.cached
        total.add(record, cached: cached)
        rows[0][Int(combination.provider)].add(record, cached: cached)
        rows[1][Int(combination.model)].add(record, cached: cached)
        rows[2][Int(combination.service)].add(record, cached: cached)
        rows[3][Int(combination.organization)].add(record, cached: cached)
        rows[4][Int(combination.user)].add(record, cached: cached)
        rows[5][Int(combination.requestType)].add(record, cached: cached)
    }

    mutating func merge(_ accumulator: RowAccumulator, _ combination: Combination) {
        total.merge(accumulator)
        for dimension in Dimension.allCases {
            rows[dimensionIndex(dimension)][Int(combination.id(dimension))].merge(accumulator)
        }
    }
}

/// A filter expression whose terms hold their verdict for every key id of their dimension.
indirect enum ResolvedFilter {
    case all
    /// Verdicts by key id of `dimension`.
    case keyTerm(dimension: Dimension, verdicts: [Bool])
    /// Verdicts for `cached == false` and `cached == true`.
    case cachedTerm(whenNotCached: Bool, whenCached: Bool)
    case not(ResolvedFilter)
    case conjunction([ResolvedFilter])
    case disjunction([ResolvedFilter])

    /// Resolves `expression` against the current key values, `keyValues(dimension)` being the
    /// values by id (nil for a missing value).
    init(_ expression: FilterExpression, keyValues: (Dimension) -> [String?]) {
        switch expression {
        case .all:
            self = .all
        case .comparison(let comparison):
            guard let dimension = comparison.field.dimension else {
                self = .cachedTerm(
                    whenNotCached: comparison.matches(FilterSubject(cached: false)),
                    whenCached: comparison.matches(FilterSubject(cached: true))
                )
                return
            }
            let verdicts = keyValues(dimension).map { value in
                comparison.matches(FilterSubject(value, in: dimension))
            }
            self = .keyTerm(dimension: dimension, verdicts: verdicts)
        case .not(let operand):
            self = .not(ResolvedFilter(operand, keyValues: keyValues))
        case .conjunction(let operands):
            self = .conjunction(operands.map { ResolvedFilter($0, keyValues: keyValues) })
        case .disjunction(let operands):
            self = .disjunction(operands.map { ResolvedFilter($0, keyValues: keyValues) })
        }
    }

    func matches(_ combination: Combination) -> Bool {
        switch self {
        case .all:
            return true
        case .keyTerm(let dimension, let verdicts):
            let id = Int(combination.id(dimension))
            // Resolving and matching happen in one call, so every id has a verdict and the check only guards.
            return id < verdicts.count && verdicts[id]
        case .cachedTerm(let whenNotCached, let whenCached):
            return combination.cached ? whenCached : whenNotCached
        case .not(let operand):
            return !operand.matches(combination)
        case .conjunction(let operands):
            return operands.allSatisfy { $0.matches(combination) }
        case .disjunction(let operands):
            return operands.contains { $0.matches(combination) }
        }
    }
}

extension FilterField {
    /// The dimension this field tests, or nil for `cached`.
    var dimension: Dimension? {
        switch self {
        case .org: return .organization
        case .provider: return .provider
        case .model: return .model
        case .service: return .service
        case .user: return .user
        case .type: return .requestType
        case .cached: return nil
        }
    }
}

extension FilterSubject {
    /// Creates a subject whose only value is `value` in `dimension`.
    init(_ value: String?, in dimension: Dimension) {
        self.init()
        switch dimension {
        case .provider: provider = value
        case .model: model = value
        case .service: service = value
        case .organization: organization = value
        case .user: user = value
        case .requestType: requestType = value
        }
    }
}
