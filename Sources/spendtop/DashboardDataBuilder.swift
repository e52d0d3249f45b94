import Foundation
import SpendAggregation
import SpendDashboard
import SpendEvents

/// The header's facts about the source, apart from the numbers the engine computes.
struct SourceFreshness {
    var connection = "reading"
    var health = ConnectionHealth.connected
    var lag: Int64?
    var description = ""
    /// Partition offsets as text for snapshots, such as `topic/0@1234 topic/1@1200`.
    var offsets = ""
}

/// Builds one frame's ``DashboardData`` from the engine, for the operator's current view.
///
/// Rates: the burn rate is the filtered spend of the last five minutes divided by five; the
/// projections add that rate for the minutes left to the spend since the start of the current
/// UTC hour or day. Requests per second are the last minute's requests divided by 60.
struct DashboardDataBuilder {
    var budgets: [BudgetSpec] = []
    /// Points in the spend-over-time chart.
    var timelineBuckets = 60
    var tailLength = 60
    /// When a live source started, in Unix milliseconds: in its first minute the request rate is
    /// divided by the seconds seen so far rather than by 60. Nil for a finite source.
    var liveSinceMilliseconds: Int64?

    /// The window's query results for one frame: the totals and rows, and the chart's buckets.
    struct WindowResults {
        var filter: Filter
        var result: QueryResult
        /// The same as `result` for a rolling window; for `all`, the last day's query.
        var chart: QueryResult
    }

    func build(engine: SpendEngine, view: ViewState, nowMilliseconds: Int64, source: SourceFreshness, eventsPerSecond: Double) -> DashboardData {
        let window = queryWindow(engine: engine, view: view, nowMilliseconds: nowMilliseconds)
        return assemble(window, engine: engine, view: view, nowMilliseconds: nowMilliseconds, source: source, eventsPerSecond: eventsPerSecond)
    }

    /// Runs the window query of a frame, the step that scans the window's records.
    func queryWindow(engine: SpendEngine, view: ViewState, nowMilliseconds: Int64) -> WindowResults {
        let filter = (try? Filter.parse(view.filter)) ?? .all
        let now = floorDivide(nowMilliseconds, 1000)
        // A rolling window's query also fills the chart, so the window is scanned once per frame.
        let result = engine.query(
            window: view.window, filter: filter, endSeconds: now, timelineBuckets: view.window == .all ? 0 : timelineBuckets
        )
        let chart = view.window == .all
            ? engine.query(window: .oneDay, filter: filter, endSeconds: now, timelineBuckets: timelineBuckets)
            : result
        return WindowResults(filter: filter, result: result, chart: chart)
    }

    /// Builds the frame's data from the window query: rates, tail, budgets and freshness.
    func assemble(
        _ window: WindowResults, engine: SpendEngine, view: ViewState, nowMilliseconds: Int64, source: SourceFreshness, eventsPerSecond: Double
    ) -> DashboardData {
        let filter = window.filter
        let result = window.result
        let chart = window.chart
        let now = floorDivide(nowMilliseconds, 1000)
        let chartWindow = view.window == .all ? WindowLength.oneDay : view.window

        let hourStart = now - floorMod(now, 3_600)
        let dayStart = now - floorMod(now, 86_400)
        let sums = engine.spendAndRequests(after: [now - 60, now - 300, hourStart - 1, dayStart - 1], through: now, filter: filter)
        let minuteRequests = sums[0].requests
        let burn = Money(micros: sums[1].spend.micros / 5)
        let hourSpend = sums[2].spend
        let daySpend = sums[3].spend
        let rates = SpendRates(
            burnPerMinute: burn,
            projectedEndOfHour: Money(micros: hourSpend.micros + burn.micros * (hourStart + 3_600 - now) / 60),
            projectedEndOfDay: Money(micros: daySpend.micros + burn.micros * (dayStart + 86_400 - now) / 60),
            requestsPerSecond: Double(minuteRequests) / rateSeconds(nowMilliseconds: nowMilliseconds)
        )

        let tail = engine.recentEvents(limit: tailLength, filter: filter).map { event in
            TailLine(
                timeMs: event.timeMilliseconds, provider: event.provider ?? "-", model: event.model ?? "-",
                organization: event.organization, user: event.user,
                cost: event.cached ? event.cacheSavings : event.cost, latencyMs: event.latencyMilliseconds, cached: event.cached
            )
        }
        let budgetStatuses = budgets.map { spec -> BudgetStatus in
            let evaluation = engine.evaluate(spec, now: now)
            return BudgetStatus(
                scope: spec.scope, spent: evaluation.spent, limit: spec.limit, period: spec.period.rawValue,
                burnRatePerMinute: evaluation.burnRatePerMinute, projectedExhaustion: evaluation.secondsUntilExhausted
            )
        }
        let age = engine.newestEventMilliseconds.map { Double(nowMilliseconds - $0) / 1000 }
        let freshness = Freshness(
            eventsPerSecond: eventsPerSecond, lag: source.lag, newestEventAgeSeconds: age,
            connection: source.connection, health: source.health, source: source.description
        )
        return DashboardData(
            result: result, freshness: freshness, rates: rates, nowMs: nowMilliseconds,
            localOffsetSeconds: TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: Double(nowMilliseconds) / 1000)),
            timeline: chart.timeline, timelineBucketSeconds: Int((chartWindow.seconds ?? 86_400) / Int64(timelineBuckets)),
            tail: tail, budgets: budgetStatuses, organizations: engine.organizationNames()
        )
    }

    /// Seconds the last-minute request count is divided by: 60, or fewer while a live source is young.
    private func rateSeconds(nowMilliseconds: Int64) -> Double {
        guard let since = liveSinceMilliseconds else { return 60 }
        return min(60, max(1, Double(nowMilliseconds - since) / 1000))
    }
}
