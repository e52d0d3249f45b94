import SpendEvents

/// One accepted event with every value at full width: 40 bytes, its text held as a combination id.
///
/// The live tail keeps events in this form, and the rolling windows keep the rare events that
/// do not fit a ``StoredRecord``.
struct WindowRecord {
    /// Id of the event's combination of dimension values, see ``Combination``.
    var combination: UInt32
    var latencyMilliseconds: UInt32
    var promptTokens: UInt32
    var completionTokens: UInt32
    var totalTokens: UInt32
    /// True when `savingsMicros` was estimated from a rate rather than carried by the event.
    var savingsEstimated: Bool
    var costMicros: Int64
    var savingsMicros: Int64
}

/// One accepted event as the rolling windows keep it: 24 bytes.
///
/// The meaning of `tokens` and `extra` depends on the combination's cache flag, because a cache
/// hit's prompt and completion tokens are never summed (see ``RowAccumulator/add(_:cached:)``).
/// An event fits when, not cached, its total is prompt plus completion tokens, or, cached, its
/// savings are below 2^31 micro-dollars; every other event is kept as a ``WindowRecord``.
struct StoredRecord {
    var combination: UInt32
    var latencyMilliseconds: UInt32
    var costMicros: Int64
    /// Prompt tokens, or for a cache hit its total tokens.
    var tokens: UInt32
    /// Completion tokens, or for a cache hit its savings in micro-dollars with bit 31 set when estimated.
    var extra: UInt32

    static let estimatedFlag: UInt32 = 1 << 31

    /// The compact form of `record`, or nil when a value does not fit.
    @inline(__always)
    init?(_ record: WindowRecord, cached: Bool) {
        combination = record.combination
        latencyMilliseconds = record.latencyMilliseconds
        costMicros = record.costMicros
        if cached {
            guard record.savingsMicros >= 0, record.savingsMicros < Int64(Self.estimatedFlag) else { return nil }
            tokens = record.totalTokens
            extra = UInt32(record.savingsMicros) | (record.savingsEstimated ? Self.estimatedFlag : 0)
        } else {
            guard record.savingsMicros == 0, !record.savingsEstimated,
                  UInt64(record.promptTokens) + UInt64(record.completionTokens) == UInt64(record.totalTokens)
            else { return nil }
            tokens = record.promptTokens
            extra = record.completionTokens
        }
    }

    /// The full record; `cached` must be the cache flag of the record's combination.
    @inline(__always)
    func expanded(cached: Bool) -> WindowRecord {
        if cached {
            return WindowRecord(
                combination: combination, latencyMilliseconds: latencyMilliseconds,
                promptTokens: 0, completionTokens: 0, totalTokens: tokens,
                savingsEstimated: extra & Self.estimatedFlag != 0, costMicros: costMicros,
                savingsMicros: Int64(extra & ~Self.estimatedFlag)
            )
        }
        return WindowRecord(
            combination: combination, latencyMilliseconds: latencyMilliseconds,
            promptTokens: tokens, completionTokens: extra, totalTokens: tokens &+ extra,
            savingsEstimated: false, costMicros: costMicros, savingsMicros: 0
        )
    }
}

/// Running totals of one row: the sums behind a ``ReportRow``.
struct RowAccumulator {
    var requests: Int64 = 0
    var spendMicros: Int64 = 0
    var cacheHits: Int64 = 0
    var savingsMicros: Int64 = 0
    var estimatedSavingsCount: Int64 = 0
    var promptTokens: Int64 = 0
    var completionTokens: Int64 = 0
    var totalTokens: Int64 = 0
    var cachedTokens: Int64 = 0
    var maxLatency: Int64 = 0
    var latency = LatencySketch()

    @inline(__always)
    mutating func add(_ record: WindowRecord, cached: Bool) {
        requests += 1
        spendMicros &+= record.costMicros
        if cached {
            cacheHits += 1
            savingsMicros &+= record.savingsMicros
            cachedTokens &+= Int64(record.totalTokens)
            if record.savingsEstimated { estimatedSavingsCount += 1 }
        } else {
            promptTokens &+= Int64(record.promptTokens)
            completionTokens &+= Int64(record.completionTokens)
            totalTokens &+= Int64(record.totalTokens)
        }
        let latency = Int64(record.latencyMilliseconds)
        if latency > maxLatency { maxLatency = latency }
        self.latency.add(latency)
    }

    mutating func merge(_ other: RowAccumulator) {
        requests += other.requests
        spendMicros &+= other.spendMicros
        cacheHits += other.cacheHits
        savingsMicros &+= other.savingsMicros
        estimatedSavingsCount += other.estimatedSavingsCount
        promptTokens &+= other.promptTokens
        completionTokens &+= other.completionTokens
        totalTokens &+= other.totalTokens
        cachedTokens &+= other.cachedTokens
        maxLatency = max(maxLatency, other.maxLatency)
        latency.merge(other.latency)
    }

    func row(key: String?) -> ReportRow {
        ReportRow(
            key: key,
            requests: requests,
            spend: Money(micros: spendMicros),
            cacheHits: cacheHits,
            cacheSavings: Money(micros: savingsMicros),
            cacheSavingsEstimated: estimatedSavingsCount > 0,
            promptTokens: promptTokens,
            completionTokens: completionTokens,
            totalTokens: totalTokens,
            cachedTokens: cachedTokens,
            latency: LatencySummary(
                p50: min(latency.quantile(percent: 50), maxLatency),
                p90: min(latency.quantile(percent: 90), maxLatency),
                p95: min(latency.quantile(percent: 95), maxLatency),
                p99: min(latency.quantile(percent: 99), maxLatency),
                max: maxLatency
            )
        )
    }
}
