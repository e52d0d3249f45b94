import SpendEvents

/// A dimension that events are grouped by.
public enum Dimension: String, CaseIterable, Sendable {
    case provider
    case model
    case service
    case organization
    case user
    case requestType = "request_type"
}

/// Latency percentiles of a row, in milliseconds.
///
/// Each percentile is the nearest-rank value (rank ceil(p x n) of the sorted latencies)
/// within 1% relative error, as answered by ``LatencySketch``. `max` is exact.
public struct LatencySummary: Equatable, Sendable {
    public var p50: Int64
    public var p90: Int64
    public var p95: Int64
    public var p99: Int64
    public var max: Int64

    public init(p50: Int64, p90: Int64, p95: Int64, p99: Int64, max: Int64) {
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    public static let zero = LatencySummary(p50: 0, p90: 0, p95: 0, p99: 0, max: 0)
}

/// The totals of one key of a dimension (or of the whole window) in a query result.
public struct ReportRow: Equatable, Sendable {
    /// The dimension value, or nil for events without that field.
    public var key: String?
    /// Accepted events, cache hits included.
    public var requests: Int64
    /// Sum of `cost_estimate_usd`.
    public var spend: Money
    public var cacheHits: Int64
    public var cacheSavings: Money
    /// True when any of `cacheSavings` was estimated from a model's or provider's rate.
    public var cacheSavingsEstimated: Bool
    /// Tokens the providers processed: non-cached events only.
    public var promptTokens: Int64
    public var completionTokens: Int64
    public var totalTokens: Int64
    /// `total_tokens` of cache hits.
    public var cachedTokens: Int64
    public var latency: LatencySummary

    public init(
        key: String?, requests: Int64 = 0, spend: Money = .zero, cacheHits: Int64 = 0,
        cacheSavings: Money = .zero, cacheSavingsEstimated: Bool = false,
        promptTokens: Int64 = 0, completionTokens: Int64 = 0, totalTokens: Int64 = 0,
        cachedTokens: Int64 = 0, latency: LatencySummary = .zero
    ) {
        self.key = key
        self.requests = requests
        self.spend = spend
        self.cacheHits = cacheHits
        self.cacheSavings = cacheSavings
        self.cacheSavingsEstimated = cacheSavingsEstimated
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.cachedTokens = cachedTokens
        self.latency = latency
    }
}
