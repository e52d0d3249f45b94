import SpendEvents

/// Counts of every message an engine was given, whatever the window or filter.
public struct IngestCounts: Equatable, Sendable {
    /// Every message given, accepted or skipped.
    public var messages: Int64 = 0
    /// Accepted events, counted once each.
    public var events: Int64 = 0
    /// Accepted events whose `event_id` had been seen before; not counted in `events`.
    public var duplicates: Int64 = 0
    /// Accepted events older than the longest rolling window when they arrived.
    public var late: Int64 = 0
    /// Skipped messages by reason.
    public var skipped: [SkipReason: Int64] = [:]

    public init() {}

    public func skipped(_ reason: SkipReason) -> Int64 {
        skipped[reason] ?? 0
    }
}

/// The result of one query: totals and rows per dimension for a window and a filter.
public struct QueryResult: Equatable, Sendable {
    public var window: WindowLength
    /// Exclusive start of a rolling window in Unix seconds, or nil for `all`.
    public var start: Int64?
    /// Inclusive end of the window in Unix seconds.
    public var end: Int64
    /// The filter's canonical text, empty for none.
    public var filter: String
    public var counts: IngestCounts
    public var total: ReportRow
    /// Rows per dimension, sorted by spend, highest first.
    public var rows: [Dimension: [ReportRow]]
    /// Spend per equal time bucket of a rolling window, oldest first, when the query asked for it.
    public var timeline: [Money] = []
    /// Set when the rolling window reaches back before the first second the engine still holds
    /// completely (the record cap was reached): the window's numbers start at this Unix second.
    public var completeSince: Int64?

    public init(
        window: WindowLength, start: Int64?, end: Int64, filter: String,
        counts: IngestCounts, total: ReportRow, rows: [Dimension: [ReportRow]]
    ) {
        self.window = window
        self.start = start
        self.end = end
        self.filter = filter
        self.counts = counts
        self.total = total
        self.rows = rows
    }
}
