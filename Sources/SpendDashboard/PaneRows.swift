import SpendAggregation
import SpendEvents

/// A filter term that Enter adds for a row: `field=value`.
public struct DrillTarget: Equatable, Sendable {
    /// The filter field: `provider`, `model`, `service`, `org` or `user`.
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    /// The term in filter syntax, with the value quoted when it contains more than letters,
    /// digits and `_ . : / @ -`.
    public var term: String {
        let bare = !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) || "_.:/@-".unicodeScalars.contains(scalar)
        }
        if bare { return "\(field)=\(value)" }
        let escaped = value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
        return "\(field)=\"\(escaped)\""
    }

    /// Returns the filter field for a dimension.
    public static func field(for dimension: Dimension) -> String {
        switch dimension {
        case .organization: return "org"
        case .requestType: return "request_type"
        default: return dimension.rawValue
        }
    }
}

/// A row of the latency pane: a provider or a model.
struct LatencyRow: Equatable {
    var dimension: Dimension
    var row: ReportRow
}

/// The rows each pane lists, in display order. The renderer draws them and the controller
/// selects and drills into them, so both see the same order.
public struct PaneRows: Sendable {
    public let data: DashboardData
    public let sort: SortOrder
    public let redactsUsers: Bool
    /// Each dimension's rows in `sort` order. They are sorted once here, because a frame reads
    /// them several times and the users dimension can have 100,000 rows.
    private let sortedRows: [Dimension: [ReportRow]]

    public init(data: DashboardData, sort: SortOrder, redactsUsers: Bool) {
        self.data = data
        self.sort = sort
        self.redactsUsers = redactsUsers
        sortedRows = data.result.rows.mapValues { Self.sorted($0, by: sort) }
    }

    /// Returns the rows of a table pane, sorted by `sort`.
    func tableRows(_ dimension: Dimension) -> [ReportRow] {
        sortedRows[dimension] ?? []
    }

    func latencyRows() -> [LatencyRow] {
        tableRows(.provider).map { LatencyRow(dimension: .provider, row: $0) }
            + tableRows(.model).map { LatencyRow(dimension: .model, row: $0) }
    }

    /// Returns the data-quality rows: label, count and whether a count above zero is a problem.
    func qualityRows() -> [(label: String, value: Int64, severity: Severity)] {
        let counts = data.result.counts
        let messages = max(counts.messages, 1)
        func problem(_ value: Int64) -> Severity {
            if value == 0 { return .ok }
            return value * 100 >= messages ? .over : .warning
        }
        return [
            ("messages", counts.messages, .none),
            ("events", counts.events, .none),
            ("skipped: not JSON", counts.skipped(.notJSON), problem(counts.skipped(.notJSON))),
            ("skipped: invalid", counts.skipped(.invalid), problem(counts.skipped(.invalid))),
            ("skipped: other event type", counts.skipped(.otherEventType), .none),
            ("duplicates", counts.duplicates, counts.duplicates > 0 ? .warning : .ok),
            ("late", counts.late, counts.late > 0 ? .warning : .ok),
        ]
    }

    /// Returns the number of selectable rows in `pane`.
    public func count(in pane: PaneKind) -> Int {
        if let dimension = pane.dimension { return tableRows(dimension).count }
        switch pane {
        case .latency: return latencyRows().count
        case .tail: return data.tail.count
        case .budgets: return data.budgets.count
        case .quality: return qualityRows().count
        default: return 0
        }
    }

    /// Returns the filter term that Enter on row `index` of `pane` adds, or nil when the row has none.
    public func drillTarget(in pane: PaneKind, at index: Int) -> DrillTarget? {
        if let dimension = pane.dimension {
            let rows = tableRows(dimension)
            guard rows.indices.contains(index), let key = rows[index].key else { return nil }
            return DrillTarget(field: DrillTarget.field(for: dimension), value: key)
        }
        switch pane {
        case .latency:
            let rows = latencyRows()
            guard rows.indices.contains(index), let key = rows[index].row.key else { return nil }
            return DrillTarget(field: DrillTarget.field(for: rows[index].dimension), value: key)
        case .tail:
            guard data.tail.indices.contains(index), let organization = data.tail[index].organization else { return nil }
            return DrillTarget(field: "org", value: organization)
        case .budgets:
            guard data.budgets.indices.contains(index) else { return nil }
            return Self.target(forBudgetScope: data.budgets[index].scope)
        default:
            return nil
        }
    }

    /// Returns the term for a budget scope such as `org:acme`; nil for `total` and unknown scopes.
    static func target(forBudgetScope scope: String) -> DrillTarget? {
        guard let colon = scope.firstIndex(of: ":") else { return nil }
        let kind = String(scope[..<colon])
        let value = String(scope[scope.index(after: colon)...])
        let fields = ["org": "org", "organization": "org", "provider": "provider", "model": "model", "service": "service", "user": "user"]
        guard let field = fields[kind], !value.isEmpty else { return nil }
        return DrillTarget(field: field, value: value)
    }

    /// Returns the text shown for a user id: the id, or with redaction a short stable hash of it.
    public func displayedUser(_ user: String?) -> String? {
        guard let user else { return nil }
        return redactsUsers ? Self.redacted(user) : user
    }

    /// Returns `user#` and six hex digits of the id's 32-bit FNV-1a hash. The same id always
    /// gives the same text, so rows stay distinct without showing the id.
    public static func redacted(_ user: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in user.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash >> 8, radix: 16)
        return "user#" + String(repeating: "0", count: 6 - hex.count) + hex
    }

    /// Returns filter text with the user ids it names shown as ``redacted(_:)`` does.
    /// Text that does not parse is hidden whole, because it may name a user too.
    public static func redactedFilter(_ text: String) -> String {
        guard let filter = try? Filter.parse(text) else { return "(hidden: user ids are redacted)" }
        return filter.text(replacingUserValues: redacted)
    }

    /// Returns `rows` in `sort` order; rows that tie keep their order, the engine's spend order.
    static func sorted(_ rows: [ReportRow], by sort: SortOrder) -> [ReportRow] {
        switch sort {
        case .spend:
            return rows
        case .requests:
            return ordered(rows, keys: rows.map(\.requests), descending: true)
        case .latency:
            return ordered(rows, keys: rows.map(\.latency.p95), descending: true)
        case .name:
            return ordered(rows, keys: rows.map { ($0.key ?? "").lowercased() }, descending: false)
        }
    }

    /// Sorts `rows` by their `keys`, computed once per row rather than once per comparison, with
    /// the position in `rows` breaking ties.
    private static func ordered<Key: Comparable>(_ rows: [ReportRow], keys: [Key], descending: Bool) -> [ReportRow] {
        let order = rows.indices.sorted { left, right in
            if keys[left] != keys[right] {
                return descending ? keys[left] > keys[right] : keys[left] < keys[right]
            }
            return left < right
        }
        return order.map { rows[$0] }
    }
}

/// The severity of a value, shown as a glyph as well as a colour so it reads without colour.
enum Severity {
    case none
    case ok
    case warning
    case over

    var role: Role {
        switch self {
        case .none: return .normal
        case .ok: return .good
        case .warning: return .warn
        case .over: return .bad
        }
    }

    func glyph(_ glyphs: GlyphSet) -> Character {
        switch self {
        case .none: return " "
        case .ok: return glyphs.ok
        case .warning: return glyphs.warning
        case .over: return glyphs.over
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
