/// A query window: a rolling length of time ending at the query's end, or every event.
public enum WindowLength: String, CaseIterable, Sendable {
    case oneMinute = "1m"
    case fiveMinutes = "5m"
    case fifteenMinutes = "15m"
    case oneHour = "1h"
    case oneDay = "24h"
    case all

    /// The length in seconds, or nil for `all`.
    public var seconds: Int64? {
        switch self {
        case .oneMinute: return 60
        case .fiveMinutes: return 300
        case .fifteenMinutes: return 900
        case .oneHour: return 3_600
        case .oneDay: return 86_400
        case .all: return nil
        }
    }

    /// The longest rolling window, in seconds: events older than this when they arrive are late.
    public static let longestRollingSeconds: Int64 = 86_400
}
