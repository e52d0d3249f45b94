/// Why a message was not accepted as a cost event.
public enum SkipReason: String, CaseIterable, Sendable {
    /// The value is not a JSON object: not JSON at all, truncated, or holding NaN or Infinity.
    case notJSON = "not_json"
    /// The value is a JSON envelope of another event type, such as request-completed.
    case otherEventType = "other_event_type"
    /// The value is a cost event envelope with a missing or malformed field, or is too large.
    case invalid
}
