import SpendEvents

/// One accepted event as the rolling windows keep it: 40 bytes, its text held as a combination id.
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
