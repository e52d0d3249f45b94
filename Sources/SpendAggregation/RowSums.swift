import SpendEvents

/// Running sums of one row: every number of a ``ReportRow`` except the latency percentiles.
struct RowSums {
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

    /// Adds a compact record; `cached` must be the cache flag of its group.
    ///
    /// It has no branch on `cached`: the scans add millions of records whose cache flags follow
    /// no pattern, and a mispredicted branch would cost more than the masked additions.
    @inline(__always)
    mutating func add(_ record: StoredRecord, cached: Bool) {
        let hit: Int64 = cached ? 1 : 0
        let cachedMask = 0 &- hit
        let money = record.money
        let tokens = record.tokens
        let extra = record.extra
        requests &+= 1
        cacheHits &+= hit
        spendMicros &+= money & ~cachedMask
        savingsMicros &+= money & cachedMask
        promptTokens &+= tokens & ~cachedMask
        cachedTokens &+= tokens & cachedMask
        completionTokens &+= extra & ~cachedMask
        estimatedSavingsCount &+= extra & cachedMask
        totalTokens &+= (tokens &+ extra) & ~cachedMask
        maxLatency = max(maxLatency, record.latencyMilliseconds)
    }

    /// Adds a full-width record; `cached` must be the cache flag of its group.
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
    }

    mutating func merge(_ other: RowSums) {
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
    }

    /// Returns the report row with `percentiles`, which come from the row's latencies in the
    /// rolling windows. Each percentile is capped at `maxLatency`, which may be higher.
    func row(key: String?, percentiles: LatencyPercentiles) -> ReportRow {
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
                p50: min(percentiles.p50, maxLatency),
                p90: min(percentiles.p90, maxLatency),
                p95: min(percentiles.p95, maxLatency),
                p99: min(percentiles.p99, maxLatency),
                max: maxLatency
            )
        )
    }
}

/// Sums of one row while a query scans window records: 64 bytes, one cache line when aligned.
///
/// The counts are 32 bits wide because a scan reads at most the records of the rolling windows, which
/// ``EngineConfiguration/maxWindowRecords`` keeps far below 2^32.
struct ScanSums {
    var spendMicros: Int64 = 0
    var savingsMicros: Int64 = 0
    var promptTokens: Int64 = 0
    var completionTokens: Int64 = 0
    var totalTokens: Int64 = 0
    var cachedTokens: Int64 = 0
    var requests: UInt32 = 0
    var cacheHits: UInt32 = 0
    var estimatedSavingsCount: UInt32 = 0
    var maxLatency: UInt32 = 0

    /// Adds a compact record; `cached` must be the cache flag of its group. Branch-free on
    /// `cached`, like ``RowSums/add(_:cached:)``.
    @inline(__always)
    mutating func add(_ record: StoredRecord, cached: Bool) {
        let hit: UInt32 = cached ? 1 : 0
        let cachedMask = 0 &- Int64(hit)
        let money = record.money
        let tokens = record.tokens
        let extra = record.extra
        requests &+= 1
        cacheHits &+= hit
        estimatedSavingsCount &+= UInt32(truncatingIfNeeded: extra & cachedMask)
        spendMicros &+= money & ~cachedMask
        savingsMicros &+= money & cachedMask
        promptTokens &+= tokens & ~cachedMask
        cachedTokens &+= tokens & cachedMask
        completionTokens &+= extra & ~cachedMask
        totalTokens &+= (tokens &+ extra) & ~cachedMask
        maxLatency = max(maxLatency, UInt32(truncatingIfNeeded: record.latencyMilliseconds))
    }

    /// Adds a full-width record; `cached` must be the cache flag of its group.
    mutating func add(_ record: WindowRecord, cached: Bool) {
        requests &+= 1
        spendMicros &+= record.costMicros
        if cached {
            cacheHits &+= 1
            savingsMicros &+= record.savingsMicros
            cachedTokens &+= Int64(record.totalTokens)
            if record.savingsEstimated { estimatedSavingsCount &+= 1 }
        } else {
            promptTokens &+= Int64(record.promptTokens)
            completionTokens &+= Int64(record.completionTokens)
            totalTokens &+= Int64(record.totalTokens)
        }
        maxLatency = max(maxLatency, record.latencyMilliseconds)
    }

    var rowSums: RowSums {
        var sums = RowSums()
        sums.requests = Int64(requests)
        sums.spendMicros = spendMicros
        sums.cacheHits = Int64(cacheHits)
        sums.savingsMicros = savingsMicros
        sums.estimatedSavingsCount = Int64(estimatedSavingsCount)
        sums.promptTokens = promptTokens
        sums.completionTokens = completionTokens
        sums.totalTokens = totalTokens
        sums.cachedTokens = cachedTokens
        sums.maxLatency = Int64(maxLatency)
        return sums
    }
}

/// The p50, p90, p95 and p99 latencies of a row, in milliseconds.
struct LatencyPercentiles {
    var p50: Int64 = 0
    var p90: Int64 = 0
    var p95: Int64 = 0
    var p99: Int64 = 0

    static let zero = LatencyPercentiles()
}

/// Latencies as 16-bit codes that sort like the latencies and keep what ``LatencySketch`` keeps.
///
/// Code 0 is a latency of 0 ms and code i + 1 is sketch bucket i, so the nearest-rank code of a
/// row gives the same percentile as a sketch of the row. Bucket indexes of 32-bit latencies
/// run to about 2,220, so every code fits 16 bits.
enum LatencyCode {
    /// Codes of latencies below 65,536 ms.
    static let table: [UInt16] = LatencySketch.bucketTable.indices.map { value in
        value == 0 ? 0 : UInt16(LatencySketch.bucketTable[value] + 1)
    }

    /// The largest code of a 32-bit latency, plus one: the size of a histogram of codes.
    static let count = Int(LatencySketch.bucket(of: Int64(UInt32.max))) + 2

    /// The percentile value of each code, as ``LatencySketch/quantile(percent:)`` returns it.
    ///
    /// A pointer rather than an array, so that reading it in a loop over 100,000 rows retains
    /// nothing. It is written once, before any read, and never freed.
    nonisolated(unsafe) static let values: UnsafeBufferPointer<Int64> = {
        let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: count)
        for code in 0..<count {
            buffer[code] = code == 0 ? 0 : Int64(LatencySketch.representative(ofBucket: Int32(code - 1)).rounded())
        }
        return UnsafeBufferPointer(buffer)
    }()

    @inline(__always)
    static func code(of milliseconds: Int64) -> UInt16 {
        if milliseconds < table.count { return milliseconds <= 0 ? 0 : table[Int(milliseconds)] }
        return UInt16(LatencySketch.bucket(of: milliseconds) + 1)
    }

    /// Returns the percentiles of `codes` after sorting them in place (by insertion when few).
    static func percentiles(sorting codes: UnsafeMutableBufferPointer<UInt16>) -> LatencyPercentiles {
        let count = codes.count
        guard count > 0 else { return .zero }
        if count <= 32 {
            for index in 1..<max(count, 1) {
                let value = codes[index]
                var position = index
                while position > 0, codes[position - 1] > value {
                    codes[position] = codes[position - 1]
                    position -= 1
                }
                codes[position] = value
            }
        } else {
            var sorted = codes
            sorted.sort()
        }
        let values = Self.values
        func value(percent: Int) -> Int64 {
            let rank = (percent * count + 99) / 100
            return values[Int(codes[rank - 1])]
        }
        return LatencyPercentiles(p50: value(percent: 50), p90: value(percent: 90), p95: value(percent: 95), p99: value(percent: 99))
    }

    /// Returns the percentiles of a histogram of codes that counts `count` latencies.
    static func percentiles(histogram: UnsafeBufferPointer<UInt32>, count: Int) -> LatencyPercentiles {
        guard count > 0 else { return .zero }
        let ranks = ((50 * count + 99) / 100, (90 * count + 99) / 100, (95 * count + 99) / 100, (99 * count + 99) / 100)
        var answers = LatencyPercentiles.zero
        var seen = 0
        let values = Self.values
        for code in 0..<histogram.count where histogram[code] != 0 {
            let before = seen
            seen += Int(histogram[code])
            if before < ranks.0, seen >= ranks.0 { answers.p50 = values[code] }
            if before < ranks.1, seen >= ranks.1 { answers.p90 = values[code] }
            if before < ranks.2, seen >= ranks.2 { answers.p95 = values[code] }
            if seen >= ranks.3 {
                answers.p99 = values[code]
                break
            }
        }
        return answers
    }
}
