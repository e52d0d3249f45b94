import SpendAggregation
import SpendEvents

/// One recent event in the live tail.
public struct TailLine: Equatable, Sendable {
    /// Event time in Unix milliseconds.
    public var timeMs: Int64
    public var provider: String
    public var model: String
    public var organization: String?
    public var user: String?
    public var cost: Money
    public var latencyMs: Int64
    /// True for a cache hit, which the provider did not bill.
    public var cached: Bool

    public init(timeMs: Int64, provider: String, model: String, organization: String?, user: String?, cost: Money, latencyMs: Int64, cached: Bool) {
        self.timeMs = timeMs
        self.provider = provider
        self.model = model
        self.organization = organization
        self.user = user
        self.cost = cost
        self.latencyMs = latencyMs
        self.cached = cached
    }
}

/// The state of one budget, as the aggregation engine computes it.
public struct BudgetStatus: Equatable, Sendable {
    /// The budget's scope, as given on the command line: `total`, `org:acme`, `provider:openai`.
    public var scope: String
    public var spent: Money
    public var limit: Money
    /// The budget period as text, such as `day` or `hour`.
    public var period: String
    public var burnRatePerMinute: Money
    /// Seconds until the limit is reached at the current burn rate, nil when it is not reached
    /// within the period.
    public var projectedExhaustion: Int64?

    public init(scope: String, spent: Money, limit: Money, period: String, burnRatePerMinute: Money, projectedExhaustion: Int64?) {
        self.scope = scope
        self.spent = spent
        self.limit = limit
        self.period = period
        self.burnRatePerMinute = burnRatePerMinute
        self.projectedExhaustion = projectedExhaustion
    }

    /// Spent over limit, 0 for a zero limit.
    public var fractionUsed: Double {
        limit.micros > 0 ? Double(spent.micros) / Double(limit.micros) : 0
    }
}

/// The state of the connection to the event source.
public enum ConnectionHealth: Sendable {
    case connected
    /// Connected but behind or retrying.
    case degraded
    case disconnected
}

/// Freshness of the numbers: ingestion rate, lag, age of the newest event, connection.
public struct Freshness: Equatable, Sendable {
    public var eventsPerSecond: Double
    /// Messages not yet consumed, summed over partitions; nil when unknown (a file source).
    public var lag: Int64?
    /// Seconds between now and the newest accepted event time; nil before the first event.
    public var newestEventAgeSeconds: Double?
    /// The connection state in words, such as `connected` or `broker down, retrying`.
    public var connection: String
    public var health: ConnectionHealth
    /// The event source, such as `localhost:9092 cost-tracking` or `file events.jsonl`.
    public var source: String

    public init(eventsPerSecond: Double = 0, lag: Int64? = nil, newestEventAgeSeconds: Double? = nil, connection: String = "", health: ConnectionHealth = .connected, source: String = "") {
        self.eventsPerSecond = eventsPerSecond
        self.lag = lag
        self.newestEventAgeSeconds = newestEventAgeSeconds
        self.connection = connection
        self.health = health
        self.source = source
    }
}

/// Spend rates for the header, computed by the aggregation engine.
public struct SpendRates: Equatable, Sendable {
    public var burnPerMinute: Money
    /// Spend expected by the end of the current hour, at the current burn rate.
    public var projectedEndOfHour: Money?
    /// Spend expected by the end of the current day, at the current burn rate.
    public var projectedEndOfDay: Money?
    public var requestsPerSecond: Double

    public init(burnPerMinute: Money = .zero, projectedEndOfHour: Money? = nil, projectedEndOfDay: Money? = nil, requestsPerSecond: Double = 0) {
        self.burnPerMinute = burnPerMinute
        self.projectedEndOfHour = projectedEndOfHour
        self.projectedEndOfDay = projectedEndOfDay
        self.requestsPerSecond = requestsPerSecond
    }
}

/// Shown while the screen is frozen: since when, and how many events arrived since then.
public struct FrozenBadge: Equatable, Sendable {
    /// Unix milliseconds.
    public var sinceMs: Int64
    public var eventsSince: Int64

    public init(sinceMs: Int64, eventsSince: Int64) {
        self.sinceMs = sinceMs
        self.eventsSince = eventsSince
    }
}

/// Everything a frame shows that comes from the data: the wiring fills one per frame.
///
/// What the operator chose (window, filter, focus, time zone) lives in ``ViewState``.
public struct DashboardData: Equatable, Sendable {
    public var result: QueryResult
    public var freshness: Freshness
    public var rates: SpendRates
    /// The time the frame shows, in Unix milliseconds.
    public var nowMs: Int64
    /// The local time zone's offset from UTC at `nowMs`, in seconds, used when the view is in local time.
    public var localOffsetSeconds: Int
    public var frozen: FrozenBadge?
    /// Spend per bucket, oldest first; the last bucket ends at `nowMs`.
    public var timeline: [Money]
    public var timelineBucketSeconds: Int
    /// Recent events, newest first.
    public var tail: [TailLine]
    public var budgets: [BudgetStatus]
    /// Every organization seen, for the organization picker; when empty, the organizations
    /// of `result` are offered.
    public var organizations: [String]

    public init(
        result: QueryResult, freshness: Freshness = Freshness(), rates: SpendRates = SpendRates(), nowMs: Int64,
        localOffsetSeconds: Int = 0, frozen: FrozenBadge? = nil, timeline: [Money] = [], timelineBucketSeconds: Int = 60,
        tail: [TailLine] = [], budgets: [BudgetStatus] = [], organizations: [String] = []
    ) {
        self.result = result
        self.freshness = freshness
        self.rates = rates
        self.nowMs = nowMs
        self.localOffsetSeconds = localOffsetSeconds
        self.frozen = frozen
        self.timeline = timeline
        self.timelineBucketSeconds = timelineBucketSeconds
        self.tail = tail
        self.budgets = budgets
        self.organizations = organizations
    }

    /// The names the organization picker offers, sorted case-insensitively.
    public var pickableOrganizations: [String] {
        let names = organizations.isEmpty ? (result.rows[.organization] ?? []).compactMap(\.key) : organizations
        return Array(Set(names)).sorted { $0.lowercased() < $1.lowercased() }
    }
}
