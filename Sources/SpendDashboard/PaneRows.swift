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

    public init(data: DashboardData, sort: SortOrder, redactsUsers: Bool) {
        self.data = data
        self.sort = sort
        self.redactsUsers = redactsUsers
    }

    /// Returns the rows of a table pane, sorted by `sort`.
    func tableRows(_ dimension: Dimension) -> [ReportRow] {
        tableRows(dimension, ranks: 0..<tableRowCount(dimension))
    }

    func tableRowCount(_ dimension: Dimension) -> Int {
        data.result.rows[dimension]?.count ?? 0
    }

    /// Returns the rows of a table pane at positions `ranks` of the `sort` order. A frame shows a
    /// few dozen of up to 100,000 user rows, so only the rows up to `ranks.upperBound` are
    /// ordered when they are few.
    func tableRows(_ dimension: Dimension, ranks: Range<Int>) -> [ReportRow] {
        let rows = data.result.rows[dimension] ?? []
        let ranks = ranks.clamped(to: 0..<rows.count)
        guard !ranks.isEmpty else { return [] }
        if sort == .spend { return Array(rows[ranks]) }
        let order = RowOrder(rows: rows, sort: sort)
        let leading = order.leadingIndexes(ranks.upperBound)
        return leading[ranks].map { rows[$0] }
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
        if let dimension = pane.dimension { return tableRowCount(dimension) }
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
            guard let key = tableRows(dimension, ranks: index..<(index + 1)).first?.key else { return nil }
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

}

/// The order of a table's rows under a sort other than spend. Rows that tie keep their order,
/// which is the engine's spend order.
final class RowOrder {
    let rows: [ReportRow]
    let sort: SortOrder
    /// The lowercased key of each row that a name comparison needed, computed once per row.
    private var lowercasedKeys: [String?]

    init(rows: [ReportRow], sort: SortOrder) {
        self.rows = rows
        self.sort = sort
        lowercasedKeys = sort == .name ? Array(repeating: nil, count: rows.count) : []
    }

    /// Returns whether row `first` comes before row `second`.
    func precedes(_ first: Int, _ second: Int) -> Bool {
        let order: Int
        switch sort {
        case .spend:
            order = 0
        case .requests:
            order = Self.compare(rows[second].requests, rows[first].requests)
        case .latency:
            order = Self.compare(rows[second].latency.p95, rows[first].latency.p95)
        case .name:
            order = compareNames(first, second)
        }
        return order != 0 ? order < 0 : first < second
    }

    /// Returns the indexes of the first `count` rows in order. Keeps the best `count` rows seen
    /// in a heap whose root is the last of them, unless `count` is a large part of the rows,
    /// where sorting them all is faster.
    func leadingIndexes(_ count: Int) -> [Int] {
        let count = min(count, rows.count)
        if count * 8 >= rows.count {
            return Array(rows.indices.sorted(by: precedes).prefix(count))
        }
        var heap: [Int] = []
        heap.reserveCapacity(count)
        for index in rows.indices {
            if heap.count < count {
                heap.append(index)
                siftUp(&heap, from: heap.count - 1)
            } else if precedes(index, heap[0]) {
                heap[0] = index
                siftDown(&heap, from: 0)
            }
        }
        return heap.sorted(by: precedes)
    }

    /// Restores the heap, whose parents never precede their children, after an append.
    private func siftUp(_ heap: inout [Int], from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    /// Restores the heap after its root was replaced.
    private func siftDown(_ heap: inout [Int], from start: Int) {
        var parent = start
        while true {
            var last = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && precedes(heap[last], heap[child]) {
                last = child
            }
            guard last != parent else { return }
            heap.swapAt(parent, last)
            parent = last
        }
    }

    private static func compare(_ first: Int64, _ second: Int64) -> Int {
        first < second ? -1 : (first > second ? 1 : 0)
    }

    /// Compares the keys of rows `first` and `second` like their `lowercased()` forms. Two ASCII
    /// keys are compared byte by byte, which gives the same order without allocating.
    private func compareNames(_ first: Int, _ second: Int) -> Int {
        var left = rows[first].key ?? ""
        var right = rows[second].key ?? ""
        let ascii = left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes -> Int? in
                guard leftBytes.allSatisfy({ $0 < 0x80 }), rightBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                for (leftByte, rightByte) in zip(leftBytes, rightBytes) {
                    let leftLower = leftByte &+ (leftByte >= 0x41 && leftByte <= 0x5A ? 0x20 : 0)
                    let rightLower = rightByte &+ (rightByte >= 0x41 && rightByte <= 0x5A ? 0x20 : 0)
                    if leftLower != rightLower { return leftLower < rightLower ? -1 : 1 }
                }
                return Self.compare(Int64(leftBytes.count), Int64(rightBytes.count))
            }
        }
        if let ascii { return ascii }
        let (leftLower, rightLower) = (lowercasedKey(first), lowercasedKey(second))
        return leftLower < rightLower ? -1 : (leftLower == rightLower ? 0 : 1)
    }

    private func lowercasedKey(_ index: Int) -> String {
        if let known = lowercasedKeys[index] { return known }
        let lowered = (rows[index].key ?? "").lowercased()
        lowercasedKeys[index] = lowered
        return lowered
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
