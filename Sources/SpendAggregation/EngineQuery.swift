import SpendEvents

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
    /// In `all`, every sum and the maximum latency cover every accepted event, and the p50 to
    /// p99 latencies cover the events the rolling windows hold (see ``WindowScan``).
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
        let matcher = recordMatcher(for: filter)
        var scan = WindowScan(
            matcher: matcher, cachedFlags: groups.cachedFlags,
            userCount: interners[dimensionIndex(.user)].idCount,
            organizationCount: interners[dimensionIndex(.organization)].idCount,
            scratch: queryScratch
        )
        var start: Int64?
        var timeline = [Int64](repeating: 0, count: max(timelineBuckets, 0))

        if let length = window.seconds {
            let windowStart = end - length
            start = windowStart
            let range = (windowStart + 1)...end
            let bucketCount = Int64(timeline.count)
            store.forEachSecond(in: range) { second, records in
                let secondSpend = scan.sum(records)
                if bucketCount > 0 {
                    timeline[Int((second - windowStart - 1) * bucketCount / length)] &+= secondSpend
                }
            }
            scan.startGathering()
            store.forEachSecond(in: range) { _, records in scan.gather(records) }
        } else {
            store.forEachStoredSecond { _, records in _ = scan.sum(records) }
            scan.startGathering()
            store.forEachStoredSecond { _, records in scan.gather(records) }
            allTime.forEach { scan.add($0) }
        }

        var result = QueryResult(
            window: window, start: start, end: end, filter: filter.text,
            counts: counts, total: ReportRow(key: nil), rows: [:]
        )
        (result.total, result.rows) = scan.rows(groups: groups.groups, keyValues: { self.interners[dimensionIndex($0)].values })
        result.timeline = timeline.map { Money(micros: $0) }
        if let coverage = rollingCoverageStart, let start, start + 1 < coverage {
            result.completeSince = coverage
        }
        return result
    }

    /// Returns the newest accepted events that match `filter`, newest first, at most `limit`.
    public func recentEvents(limit: Int, filter: Filter = .all) -> [TailEvent] {
        let matcher = recordMatcher(for: filter)
        var events: [TailEvent] = []
        for entry in tail.newestFirst {
            let record = entry.record
            guard matcher.matches(user: Int(record.user), organization: Int(record.organization), group: Int(record.group)) else { continue }
            let group = groups[record.group]
            events.append(TailEvent(
                timeMilliseconds: entry.timeMilliseconds,
                provider: value(.provider, group.provider),
                model: value(.model, group.model),
                service: value(.service, group.service),
                organization: value(.organization, record.organization),
                user: value(.user, record.user),
                requestType: value(.requestType, group.requestType),
                cached: group.cached,
                cost: Money(micros: record.costMicros),
                cacheSavings: Money(micros: record.savingsMicros),
                totalTokens: Int64(record.totalTokens),
                latencyMilliseconds: Int64(record.latencyMilliseconds)
            ))
            if events.count >= limit { break }
        }
        return events
    }

    /// Returns the matcher of `filter` for the current keys and groups, reusing the last one
    /// while no user, organization or group has been added since. Other keys appear in records
    /// only through a new group.
    func recordMatcher(for filter: Filter) -> RecordMatcher {
        if let cached = matcherCache, cached.filter == filter,
           cached.userCount == interners[dimensionIndex(.user)].idCount,
           cached.organizationCount == interners[dimensionIndex(.organization)].idCount,
           cached.groupCount == groups.count {
            return cached
        }
        let matcher = RecordMatcher(
            filter: filter,
            keyValues: { self.interners[dimensionIndex($0)].values },
            groups: groups.groups
        )
        matcherCache = matcher
        return matcher
    }
}

/// Rows sorted by spend, highest first; ties by requests, then by key with missing keys last.
func rowOrder(_ lhs: ReportRow, _ rhs: ReportRow) -> Bool {
    if lhs.spend != rhs.spend { return lhs.spend > rhs.spend }
    if lhs.requests != rhs.requests { return lhs.requests > rhs.requests }
    return WindowScan.keyPrecedes(lhs.key, rhs.key)
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
            let verdicts = keyValues(dimension).map { comparison.matches(value: $0) }
            self = .keyTerm(dimension: dimension, verdicts: verdicts)
        case .not(let operand):
            self = .not(ResolvedFilter(operand, keyValues: keyValues))
        case .conjunction(let operands):
            self = .conjunction(operands.map { ResolvedFilter($0, keyValues: keyValues) })
        case .disjunction(let operands):
            self = .disjunction(operands.map { ResolvedFilter($0, keyValues: keyValues) })
        }
    }

    /// Appends the verdict arrays of every term on `dimension`.
    func collectTerms(of dimension: Dimension, into terms: inout [[Bool]]) {
        switch self {
        case .all, .cachedTerm:
            return
        case .keyTerm(let termDimension, let verdicts):
            if termDimension == dimension { terms.append(verdicts) }
        case .not(let operand):
            operand.collectTerms(of: dimension, into: &terms)
        case .conjunction(let operands), .disjunction(let operands):
            for operand in operands { operand.collectTerms(of: dimension, into: &terms) }
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
            return combination.group.cached ? whenCached : whenNotCached
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
