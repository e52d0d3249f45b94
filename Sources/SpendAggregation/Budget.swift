import SpendEvents

/// A spending limit from `--budget SCOPE=AMOUNT/PERIOD`, such as `org:acme=50/day` or `total=200/hour`.
public struct BudgetSpec: Equatable, Sendable {
    public enum Period: String, Sendable, CaseIterable {
        case hour, day

        /// The length in seconds.
        public var seconds: Int64 { self == .hour ? 3_600 : 86_400 }
    }

    /// The scope as written: `total`, `org:NAME`, `provider:NAME` or `service:NAME`.
    public var scope: String
    /// The events the budget covers.
    public var filter: Filter
    public var limit: Money
    public var period: Period

    /// Parses a budget argument. The error message names the mistake and shows how to write it.
    public static func parse(_ text: String) throws(BudgetError) -> BudgetSpec {
        let example = "write SCOPE=AMOUNT/PERIOD, e.g. org:acme=50/day or total=200/hour"
        guard let equals = text.lastIndex(of: "=") else {
            throw BudgetError(message: "budget '\(text)' has no '='; \(example).")
        }
        let scope = String(text[..<equals])
        let rest = text[text.index(after: equals)...]
        guard let slash = rest.firstIndex(of: "/") else {
            throw BudgetError(message: "budget '\(text)' has no period; \(example).")
        }
        let amountText = String(rest[..<slash])
        let periodText = String(rest[rest.index(after: slash)...])
        guard let period = Period(rawValue: periodText) else {
            throw BudgetError(message: "budget '\(text)' has the period '\(periodText)'; use hour or day.")
        }
        guard let limit = parseDollars(amountText), limit.micros > 0 else {
            throw BudgetError(message: "budget '\(text)' has the amount '\(amountText)'; use a positive number of dollars such as 50 or 12.5.")
        }
        let filter: Filter
        if scope == "total" {
            filter = .all
        } else {
            let parts = scope.split(separator: ":", maxSplits: 1).map(String.init)
            let fields: [String: FilterField] = ["org": .org, "provider": .provider, "service": .service]
            guard parts.count == 2, let field = fields[parts[0]], !parts[1].isEmpty else {
                throw BudgetError(message: "budget scope '\(scope)' is unknown; use total, org:NAME, provider:NAME or service:NAME.")
            }
            filter = Filter.term(field: field, value: parts[1])
        }
        return BudgetSpec(scope: scope, filter: filter, limit: limit, period: period)
    }

    /// Dollars as decimal text (`50`, `12.5`, `0.000001`) in micro-dollars, or nil.
    static func parseDollars(_ text: String) -> Money? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])), whole >= 0 else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard digits.count <= 6, digits.allSatisfy(\.isASCII), let value = Int64(digits.isEmpty ? "0" : String(digits)) else { return nil }
            fraction = value
            for _ in digits.count..<6 { fraction *= 10 }
        }
        let (micros, overflow) = whole.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return nil }
        return Money(micros: micros + fraction)
    }
}

public struct BudgetError: Error, Equatable {
    public let message: String
}

/// A budget's state at one moment.
public struct BudgetEvaluation: Equatable, Sendable {
    public var spec: BudgetSpec
    /// Spend since the start of the current period (UTC hour or day).
    public var spent: Money
    /// Spend per minute over the last five minutes.
    public var burnRatePerMinute: Money
    /// Seconds from now until the limit is reached at the current burn rate: 0 when already over,
    /// nil when it is not reached before the period ends.
    public var secondsUntilExhausted: Int64?

    public var isOver: Bool { spent >= spec.limit }
}

extension SpendEngine {
    /// Sums the spend of events with time in (`start`, `end`] (Unix seconds) that match `filter`.
    ///
    /// Only the last 24 hours are kept per event, so a range reaching further back sums what is kept.
    public func spend(after start: Int64, through end: Int64, filter: Filter = .all) -> Money {
        spendAndRequests(after: [start], through: end, filter: filter)[0].spend
    }

    /// Sums spend and counts events with time after each of `starts` through `end` (Unix seconds)
    /// that match `filter`, in one pass over the records from the earliest start.
    ///
    /// The per-frame header needs several such sums (last minute, last five minutes, this hour,
    /// this day), and one pass keeps the frame's cost to a single scan of the day.
    public func spendAndRequests(after starts: [Int64], through end: Int64, filter: Filter = .all) -> [(spend: Money, requests: Int64)] {
        guard let earliest = starts.min() else { return [] }
        let matcher = recordMatcher(for: filter)
        let cachedFlags = groups.cachedFlags
        var micros = [Int64](repeating: 0, count: starts.count)
        var requests = [Int64](repeating: 0, count: starts.count)
        store.forEachSecond(in: (earliest + 1)...max(earliest + 1, end)) { second, records in
            var secondMicros: Int64 = 0
            var secondRequests: Int64 = 0
            for record in records.compact where matcher.matches(user: record.user, organization: record.organization, group: record.group) {
                secondMicros &+= record.costMicros(cached: cachedFlags[record.group])
                secondRequests += 1
            }
            for record in records.wide where matcher.matches(user: Int(record.user), organization: Int(record.organization), group: Int(record.group)) {
                secondMicros &+= record.costMicros
                secondRequests += 1
            }
            for index in starts.indices where second > starts[index] {
                micros[index] &+= secondMicros
                requests[index] += secondRequests
            }
        }
        return starts.indices.map { (Money(micros: micros[$0]), requests[$0]) }
    }

    /// Evaluates `budget` at Unix second `now`: spend in the current UTC period and the burn rate of the last five minutes.
    public func evaluate(_ budget: BudgetSpec, now: Int64) -> BudgetEvaluation {
        let periodStart = now - floorMod(now, budget.period.seconds)
        let spent = spend(after: periodStart - 1, through: now, filter: budget.filter)
        let lastFive = spend(after: now - 300, through: now, filter: budget.filter)
        let burn = Money(micros: lastFive.micros / 5)
        var secondsLeft: Int64?
        if spent >= budget.limit {
            secondsLeft = 0
        } else if burn.micros > 0 {
            let remaining = budget.limit.micros - spent.micros
            let seconds = remaining * 60 / burn.micros
            if now + seconds < periodStart + budget.period.seconds { secondsLeft = seconds }
        }
        return BudgetEvaluation(spec: budget, spent: spent, burnRatePerMinute: burn, secondsUntilExhausted: secondsLeft)
    }
}
