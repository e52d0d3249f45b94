import SpendEvents

/// Limits that bound the engine's memory, whatever the number of events.
public struct EngineConfiguration: Sendable {
    /// Distinct users kept exactly; later new users fold into the "(other)" row. Default 100,000.
    public var maxUsers = 100_000
    /// Distinct values kept for each other dimension (providers, models, services, organizations,
    /// request types). Default 10,000.
    public var maxKeysPerDimension = 10_000
    /// Event ids remembered for deduplication; default 10 million (at most about 215 MB).
    public var maxRememberedEventIDs = 10_000_000
    /// How long an event id is remembered at least after it arrived, in seconds (at most 1.5
    /// times as long). Default 25 hours, so a repeat is caught across the whole 24-hour window.
    public var deduplicationHorizonSeconds: Int64 = 90_000
    /// Events kept in the rolling windows at most; past it the oldest seconds leave the rolling
    /// windows early (their events stay in `all`), and ``SpendEngine/rollingCoverageStart``
    /// is the first second the windows hold completely. Default 10 million, about 160 MB of records,
    /// which is the whole 24 hours up to an average of 115 events a second.
    public var maxWindowRecords = 10_000_000
    /// Distinct groups of provider, model, service, request type and cache flag kept; events of
    /// later new groups count under "(other)" in those four dimensions. Default 16,000, the
    /// most that a 16-byte window record has room for.
    public var maxGroups = 16_000
    /// Combinations of user, organization and group that keep their own all-time total for the
    /// events that left the rolling windows. Past it, such events fold their user, then their
    /// organization, into "(other)" (see ``AllTimeTotals``). Default 1 million, at most about
    /// 80 MB.
    public var maxAllTimeCombinations = 1_000_000
    /// Recent events kept for the live tail. Default 256.
    public var tailCapacity = 256
    /// When true, the clock follows the newest accepted event time (a file or a finite read);
    /// when false, the caller moves it with ``SpendEngine/advanceClock(toMilliseconds:)``.
    public var clockFollowsEvents = true
    /// Message decoding limits.
    public var decoder = MessageDecoder()

    public init() {}
}

/// The aggregation engine: it ingests messages, keeps rolling windows and all-time totals, and runs queries.
///
/// Time is passed in, never read, so the engine is a pure reducer. Memory is bounded by the
/// configuration: one 16-byte record per event whose time is within 24 hours of the clock, the
/// capped all-time totals of the events outside that window, the capped key and group tables and
/// the duplicate filter. It is not thread-safe: one thread ingests and queries.
public final class SpendEngine {
    public let configuration: EngineConfiguration
    // The properties marked @exclusivity(unchecked) change on every event. Without the mark,
    // the compiler checked most of their accesses at run time (swift_beginAccess), about 900
    // instructions per event. The engine runs on one thread and no access to one of
    // these properties overlaps another access to it, so the compiler's static checks suffice.
    @exclusivity(unchecked) public private(set) var counts = IngestCounts()
    /// The engine's "now" in Unix seconds: the end of rolling windows and the reference for late events.
    @exclusivity(unchecked) public private(set) var clockSeconds: Int64 = Int64.min
    /// Time of the newest accepted event in Unix milliseconds, or nil before the first.
    @exclusivity(unchecked) public private(set) var newestEventMilliseconds: Int64?
    /// Cache hits with no savings given and no rate to estimate them from.
    @exclusivity(unchecked) public private(set) var unpricedCacheHits: Int64 = 0
    /// Valid events dropped because they are older than the start set by ``ignoreEvents(before:)``.
    public private(set) var eventsBeforeStart: Int64 = 0
    @exclusivity(unchecked) private var startMilliseconds = Int64.min

    @exclusivity(unchecked) var interners: [KeyInterner]
    @exclusivity(unchecked) var groups: GroupTable
    /// Totals of the accepted events the rolling windows do not hold: late events, events too far
    /// ahead of the clock and evicted ones. The `all` window is these plus every record in `store`.
    @exclusivity(unchecked) var allTime: AllTimeTotals
    @exclusivity(unchecked) var store = SecondStore()
    @exclusivity(unchecked) private var duplicates: DuplicateFilter
    @exclusivity(unchecked) private var rates = SavingsRates()
    @exclusivity(unchecked) var tail: TailRing
    /// Scratch buffer for unescaping text fields, reused across events.
    @exclusivity(unchecked) private var unescaped: [UInt8] = []
    var matcherCache: RecordMatcher?
    let queryScratch = QueryScratch()

    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        self.configuration = configuration
        interners = Dimension.allCases.map { dimension in
            KeyInterner(maxKeys: dimension == .user ? configuration.maxUsers : configuration.maxKeysPerDimension)
        }
        duplicates = DuplicateFilter(
            capacity: configuration.maxRememberedEventIDs,
            horizonSeconds: configuration.deduplicationHorizonSeconds
        )
        tail = TailRing(capacity: configuration.tailCapacity)
        groups = GroupTable(maxGroups: configuration.maxGroups)
        allTime = AllTimeTotals(maxCombinations: configuration.maxAllTimeCombinations)
    }

    /// The first second that the rolling windows still hold completely, when the record cap
    /// made older seconds leave early; nil while every window is complete.
    public private(set) var rollingCoverageStart: Int64?

    /// Moves the clock forward (never back) and folds records that left the longest window into the all-time totals.
    public func advanceClock(toMilliseconds milliseconds: Int64) {
        let seconds = floorDivide(milliseconds, 1000)
        guard seconds > clockSeconds else { return }
        clockSeconds = seconds
        store.trim(through: seconds - SecondStore.trimDelaySeconds)
        store.evict(through: seconds - WindowLength.longestRollingSeconds) { records in
            records.forEach(cachedFlags: groups.cachedFlags) { fold($0) }
        }
    }

    /// Folds the oldest seconds into `all` until the rolling windows are back under the record cap.
    private func evictOldestSeconds() {
        while store.recordCount > configuration.maxWindowRecords, let oldest = store.oldestHeldSecond(clock: clockSeconds) {
            store.evict(through: oldest) { records in
                records.forEach(cachedFlags: groups.cachedFlags) { fold($0) }
            }
            rollingCoverageStart = oldest + 1
        }
    }

    /// Adds `record` to the totals of the `all` window kept outside the rolling windows.
    private func fold(_ record: WindowRecord) {
        allTime.add(record, cached: groups.cachedFlags[Int(record.group)])
    }

    /// Decodes and aggregates one message. Returns why it was skipped, for logging, or nil when
    /// it was an event. The decoded fields stay inside, because returning them costs a copy per
    /// event.
    ///
    /// - Parameters:
    ///   - topic: the Kafka topic, or nil for a file.
    ///   - wallClockMilliseconds: the current Unix time, for the future-timestamp check.
    @discardableResult
    public func ingest(
        _ message: UnsafeBufferPointer<UInt8>, topic: String? = nil, wallClockMilliseconds: Int64
    ) -> (reason: SkipReason, detail: SkipDetail)? {
        counts.messages += 1
        switch configuration.decoder.decode(message, topic: topic, wallClockMilliseconds: wallClockMilliseconds) {
        case .skipped(let reason, let detail):
            counts.skipped[reason, default: 0] += 1
            return (reason, detail)
        case .event(let fields):
            accept(fields, in: message)
            return nil
        }
    }

    /// Counts a message that was skipped before decoding, such as a line too large to read.
    public func recordSkipped(_ reason: SkipReason) {
        counts.messages += 1
        counts.skipped[reason, default: 0] += 1
    }

    /// Convenience for tests and small inputs: ingests the UTF-8 bytes of `message`.
    @discardableResult
    public func ingest(_ message: String, topic: String? = nil, wallClockMilliseconds: Int64) -> (reason: SkipReason, detail: SkipDetail)? {
        var copy = message
        return copy.withUTF8 { ingest($0, topic: topic, wallClockMilliseconds: wallClockMilliseconds) }
    }

    /// Drops valid events older than `milliseconds` (Unix time) from now on, counting them in
    /// ``eventsBeforeStart``: the start of a read positioned by time when the broker could not
    /// look the time up and delivered older messages too.
    public func ignoreEvents(before milliseconds: Int64) {
        startMilliseconds = milliseconds
    }

    private func accept(_ fields: CostEventFields, in message: UnsafeBufferPointer<UInt8>) {
        if fields.timeMilliseconds < startMilliseconds {
            eventsBeforeStart += 1
            return
        }
        let idHash = withSpanBytes(fields.eventID, in: message) { ByteHash.hash($0) }
        // The user table is the largest, and its slot read often misses the cache. Read before
        // the duplicate filter's, the two misses overlap. Read after, it waited for the other.
        let userLookup = startPlainLookup(fields.user, in: message, dimension: .user)
        // Ids expire by arrival, measured on the engine clock, which never moves back.
        let arrivalSeconds = clockSeconds == Int64.min ? floorDivide(fields.timeMilliseconds, 1000) : clockSeconds
        guard duplicates.insert(idHash, now: arrivalSeconds) else {
            counts.duplicates += 1
            return
        }
        // The other lookups follow the duplicate check at once, before the clock moves, so
        // their table reads can still overlap the filter's misses.
        let combination = internCombination(fields, in: message, userLookup: userLookup)
        let groupID = groups.id(of: combination.group)

        counts.events += 1
        if configuration.clockFollowsEvents {
            advanceClock(toMilliseconds: fields.timeMilliseconds)
        }
        if newestEventMilliseconds.map({ fields.timeMilliseconds > $0 }) ?? true {
            newestEventMilliseconds = fields.timeMilliseconds
        }

        let record = makeRecord(fields, combination: combination, group: groupID)
        tail.append(TailRecord(timeMilliseconds: fields.timeMilliseconds, record: record))

        let second = floorDivide(fields.timeMilliseconds, 1000)
        // Before the clock is first set, an event is measured against its own time.
        let clock = clockSeconds == Int64.min ? second : clockSeconds
        if second <= clock - WindowLength.longestRollingSeconds {
            counts.late += 1
            fold(record)
        } else {
            // The handler runs, if at all, within this call, while the engine is alive. So it
            // captures the engine unretained, which saves an atomic retain and release per event.
            let kept = store.append(record, cached: fields.cached, second: second, clock: clock) { [unowned(unsafe) self] records in
                records.forEach(cachedFlags: self.groups.cachedFlags) { self.fold($0) }
            }
            if !kept { fold(record) }
            if store.recordCount > configuration.maxWindowRecords { evictOldestSeconds() }
        }
    }

    private func makeRecord(_ fields: CostEventFields, combination: Combination, group: UInt32) -> WindowRecord {
        var savings: Int64 = 0
        var estimated = false
        if fields.cached {
            if let given = fields.cacheSavings {
                savings = given.micros
            } else if let estimate = rates.estimate(model: combination.group.model, provider: combination.group.provider, tokens: fields.totalTokens) {
                savings = estimate
                estimated = true
            } else {
                unpricedCacheHits += 1
            }
        } else {
            rates.record(model: combination.group.model, provider: combination.group.provider, costMicros: fields.cost.micros, tokens: fields.totalTokens)
        }
        return WindowRecord(
            user: combination.user,
            organization: combination.organization,
            group: group,
            latencyMilliseconds: UInt32(clamping: fields.latencyMilliseconds),
            promptTokens: UInt32(clamping: fields.promptTokens),
            completionTokens: UInt32(clamping: fields.completionTokens),
            totalTokens: UInt32(clamping: fields.totalTokens),
            savingsEstimated: estimated,
            costMicros: fields.cost.micros,
            savingsMicros: savings
        )
    }

    /// Starts the lookup of a text field written without escapes, or returns nil for a missing
    /// or escaped value, whose lookup ``internID(_:in:into:)`` does in full.
    private func startPlainLookup(
        _ span: TextSpan?, in message: UnsafeBufferPointer<UInt8>, dimension: Dimension
    ) -> KeyInterner.Lookup? {
        guard let span, !span.escaped else { return nil }
        return withSpanBytes(span, in: message) { interners[dimensionIndex(dimension)].startLookup($0) }
    }

    /// Returns the combination of the event's dimension values, adding values seen for the
    /// first time. `userLookup` is the started lookup of a plain user value.
    private func internCombination(
        _ fields: CostEventFields, in message: UnsafeBufferPointer<UInt8>, userLookup: KeyInterner.Lookup?
    ) -> Combination {
        // One mutable access to `interners` serves all six lookups, so the array is checked
        // for a unique reference once per event instead of six times.
        interners.withUnsafeMutableBufferPointer { tables in
            let user: UInt32
            if let userLookup, let span = fields.user {
                user = withSpanBytes(span, in: message) { tables[dimensionIndex(.user)].id(of: $0, from: userLookup) }
            } else {
                user = internID(fields.user, in: message, into: &tables[dimensionIndex(.user)])
            }
            return Combination(
                user: user,
                organization: internID(fields.organization, in: message, into: &tables[dimensionIndex(.organization)]),
                group: KeyGroup(
                    provider: internID(fields.provider, in: message, into: &tables[dimensionIndex(.provider)]),
                    model: internID(fields.model, in: message, into: &tables[dimensionIndex(.model)]),
                    service: internID(fields.service, in: message, into: &tables[dimensionIndex(.service)]),
                    requestType: internID(fields.requestType, in: message, into: &tables[dimensionIndex(.requestType)]),
                    cached: fields.cached
                )
            )
        }
    }

    private func internID(_ span: TextSpan?, in message: UnsafeBufferPointer<UInt8>, into interner: inout KeyInterner) -> UInt32 {
        guard let span else { return KeyInterner.missingID }
        let start = Int(span.start)
        let text = UnsafeBufferPointer(rebasing: message[start..<start + Int(span.count)])
        if !span.escaped {
            return interner.id(of: UnsafeRawBufferPointer(text))
        }
        unescaped.removeAll(keepingCapacity: true)
        TextDecoding.unescape(text, into: &unescaped)
        return unescaped.withUnsafeBytes { interner.id(of: $0) }
    }

    private func withSpanBytes<Result>(
        _ span: TextSpan, in message: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        let start = Int(span.start)
        return body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(message)[start..<start + Int(span.count)]))
    }

    /// Returns every organization seen, sorted, for pickers.
    public func organizationNames() -> [String] {
        interners[dimensionIndex(.organization)].values.dropFirst(2).compactMap { $0 }.sorted()
    }

    /// Values folded into "(other)" because a dimension reached its cap, by dimension.
    public func foldedOccurrences() -> [Dimension: Int64] {
        var result: [Dimension: Int64] = [:]
        for dimension in Dimension.allCases {
            let folded = interners[dimensionIndex(dimension)].foldedOccurrences
            if folded > 0 { result[dimension] = folded }
        }
        return result
    }

    func value(_ dimension: Dimension, _ id: UInt32) -> String? {
        interners[dimensionIndex(dimension)].value(of: id)
    }
}

@inline(__always)
func dimensionIndex(_ dimension: Dimension) -> Int {
    switch dimension {
    case .provider: return 0
    case .model: return 1
    case .service: return 2
    case .organization: return 3
    case .user: return 4
    case .requestType: return 5
    }
}

@inline(__always)
public func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}
