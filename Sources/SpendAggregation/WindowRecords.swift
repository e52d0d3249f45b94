import SpendEvents

/// One accepted event with every value at full width: 48 bytes.
///
/// The live tail keeps events in this form, and the rolling windows keep the rare events that
/// do not fit a ``StoredRecord``.
struct WindowRecord {
    /// Key id of the user, from the user ``KeyInterner``.
    var user: UInt32
    /// Key id of the organization, from the organization ``KeyInterner``.
    var organization: UInt32
    /// Id of the event's provider, model, service, request type and cache flag, see ``GroupTable``.
    var group: UInt32
    var latencyMilliseconds: UInt32
    var promptTokens: UInt32
    var completionTokens: UInt32
    var totalTokens: UInt32
    /// True when `savingsMicros` was estimated from a rate rather than carried by the event.
    var savingsEstimated: Bool
    var costMicros: Int64
    var savingsMicros: Int64
}

/// One accepted event as the rolling windows keep it: 16 bytes in two words.
///
/// `keys` contains the user id (bits 0-19), the organization id (bits 20-33), the group id (bits
/// 34-47) and the completion tokens (bits 48-63). `values` contains the latency in milliseconds
/// (bits 0-19), the cost in micro-dollars (bits 20-43) and the prompt tokens (bits 44-63).
///
/// A cache hit's prompt and completion tokens are never summed (see ``RowSums/add(_:)``). So for
/// a cache hit, which its group's cache flag marks, the same bits hold other values: the cost
/// bits hold its savings, the prompt bits its total tokens, and bit 48 is set when the savings
/// were estimated. An event that does not fit is kept as a ``WindowRecord``: an id, latency, cost or
/// token count past its field, a total other than prompt plus completion tokens, a negative
/// cost, or a cache hit with a cost.
struct StoredRecord {
    var keys: UInt64
    var values: UInt64

    static let userLimit: UInt32 = 1 << 20
    static let organizationLimit: UInt32 = 1 << 14
    static let groupLimit: UInt32 = 1 << 14
    static let completionLimit: UInt32 = 1 << 16
    static let latencyLimit: UInt32 = 1 << 20
    static let costLimit: Int64 = 1 << 24
    static let promptLimit: UInt32 = 1 << 20

    /// The compact form of `record`, or nil when a value does not fit.
    @inline(__always)
    init?(_ record: WindowRecord, cached: Bool) {
        guard record.user < Self.userLimit, record.organization < Self.organizationLimit,
              record.group < Self.groupLimit, record.latencyMilliseconds < Self.latencyLimit
        else { return nil }
        let money: Int64
        let tokens: UInt32
        let extra: UInt32
        if cached {
            guard record.costMicros == 0, record.savingsMicros >= 0, record.savingsMicros < Self.costLimit,
                  record.totalTokens < Self.promptLimit
            else { return nil }
            money = record.savingsMicros
            tokens = record.totalTokens
            extra = record.savingsEstimated ? 1 : 0
        } else {
            guard record.savingsMicros == 0, !record.savingsEstimated,
                  record.costMicros >= 0, record.costMicros < Self.costLimit,
                  record.promptTokens < Self.promptLimit, record.completionTokens < Self.completionLimit,
                  UInt64(record.promptTokens) + UInt64(record.completionTokens) == UInt64(record.totalTokens)
            else { return nil }
            money = record.costMicros
            tokens = record.promptTokens
            extra = record.completionTokens
        }
        keys = UInt64(record.user) | UInt64(record.organization) << 20 | UInt64(record.group) << 34 | UInt64(extra) << 48
        values = UInt64(record.latencyMilliseconds) | UInt64(money) << 20 | UInt64(tokens) << 44
    }

    @inline(__always) var user: Int { Int(truncatingIfNeeded: keys & 0xF_FFFF) }
    @inline(__always) var organization: Int { Int(truncatingIfNeeded: (keys >> 20) & 0x3FFF) }
    @inline(__always) var group: Int { Int(truncatingIfNeeded: (keys >> 34) & 0x3FFF) }
    /// Completion tokens, or for a cache hit 1 when its savings were estimated.
    @inline(__always) var extra: Int64 { Int64(keys >> 48) }
    @inline(__always) var latencyMilliseconds: Int64 { Int64(values & 0xF_FFFF) }
    /// Cost in micro-dollars, or for a cache hit its savings.
    @inline(__always) var money: Int64 { Int64((values >> 20) & 0xFF_FFFF) }
    /// Prompt tokens, or for a cache hit its total tokens.
    @inline(__always) var tokens: Int64 { Int64(values >> 44) }

    /// Cost in micro-dollars; `cached` must be the cache flag of the record's group.
    @inline(__always)
    func costMicros(cached: Bool) -> Int64 { cached ? 0 : money }

    /// The full record; `cached` must be the cache flag of the record's group.
    func expanded(cached: Bool) -> WindowRecord {
        if cached {
            return WindowRecord(
                user: UInt32(user), organization: UInt32(organization), group: UInt32(group),
                latencyMilliseconds: UInt32(latencyMilliseconds), promptTokens: 0, completionTokens: 0,
                totalTokens: UInt32(tokens), savingsEstimated: extra != 0, costMicros: 0, savingsMicros: money
            )
        }
        return WindowRecord(
            user: UInt32(user), organization: UInt32(organization), group: UInt32(group),
            latencyMilliseconds: UInt32(latencyMilliseconds), promptTokens: UInt32(tokens),
            completionTokens: UInt32(extra), totalTokens: UInt32(tokens + extra),
            savingsEstimated: false, costMicros: money, savingsMicros: 0
        )
    }
}
