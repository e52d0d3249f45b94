import SpendAggregation

/// The panes of the dashboard, in Tab order.
public enum PaneKind: String, CaseIterable, Sendable {
    case provider
    case model
    case service
    case organization
    case users
    case latency
    case timeline
    case tail
    case quality
    case budgets

    public var title: String {
        switch self {
        case .provider: return "By provider"
        case .model: return "By model"
        case .service: return "By service"
        case .organization: return "By organization"
        case .users: return "Top users"
        case .latency: return "Latency"
        case .timeline: return "Spend over time"
        case .tail: return "Live tail"
        case .quality: return "Data quality"
        case .budgets: return "Budgets"
        }
    }

    /// The dimension a table pane groups by, nil for the other panes.
    public var dimension: Dimension? {
        switch self {
        case .provider: return .provider
        case .model: return .model
        case .service: return .service
        case .organization: return .organization
        case .users: return .user
        default: return nil
        }
    }
}

/// The order of the rows in the table panes.
public enum SortOrder: String, CaseIterable, Sendable {
    /// Highest spend first, as the engine returns them.
    case spend
    case requests
    /// Highest p95 latency first.
    case latency
    /// Alphabetical by key.
    case name
}

/// Whether times show in UTC or the local time zone.
public enum TimeZoneMode: String, Sendable {
    case utc = "UTC"
    case local
}

/// A one-line text field with a cursor, for the filter editor and the organization picker.
public struct TextField: Equatable, Sendable {
    public var text: String
    /// The cursor as a character offset into `text`, from 0 to `text.count`.
    public var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// Applies an editing key and returns true when the key was one.
    mutating func edit(_ key: Key) -> Bool {
        switch key {
        case .character(let character) where character == "\u{15}":
            text = ""
            cursor = 0
        case .character(let character) where !DisplayWidth.isControl(character):
            text.insert(character, at: text.index(text.startIndex, offsetBy: cursor))
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1))
            cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left:
            cursor = max(0, cursor - 1)
        case .right:
            cursor = min(text.count, cursor + 1)
        case .home:
            cursor = 0
        case .end:
            cursor = text.count
        default:
            return false
        }
        return true
    }
}

/// The filter editor opened by `/`.
public struct FilterEditor: Equatable, Sendable {
    public var field: TextField
    /// The reason the text last submitted was rejected, shown under the field.
    public var error: String?

    public init(text: String, error: String? = nil) {
        self.field = TextField(text)
        self.error = error
    }
}

/// The organization picker opened by `o`: a query and the organizations that contain it.
public struct OrganizationPicker: Equatable, Sendable {
    public var query: TextField
    /// Organizations whose name contains the query, ignoring case.
    public var matches: [String]
    /// Index into `matches`.
    public var selection: Int

    public init(query: String = "", matches: [String] = [], selection: Int = 0) {
        self.query = TextField(query)
        self.matches = matches
        self.selection = selection
    }
}

/// The operator's choices: focus, selection, window, filter, and the open overlays.
public struct ViewState: Equatable, Sendable {
    public var focusedPane: PaneKind = .provider
    /// Selected row per pane, 0 when missing.
    public var selection: [PaneKind: Int] = [:]
    public var sort: SortOrder = .spend
    public var window: WindowLength
    /// The active filter's text, empty for none.
    public var filter: String
    /// Earlier filters, most recent last; Backspace returns to the last one.
    public var filterHistory: [String] = []
    public var frozen = false
    public var timeZone: TimeZoneMode = .utc
    public var themeIndex = 0
    public var themeCount = 1
    public var showsHelp = false
    public var filterEditor: FilterEditor?
    public var organizationPicker: OrganizationPicker?
    /// A one-line notice for the operator, such as why Enter did nothing; cleared by the next key.
    public var notice: String?
    public var quits = false

    public init(window: WindowLength = .fiveMinutes, filter: String = "", timeZone: TimeZoneMode = .utc, themeIndex: Int = 0, themeCount: Int = 1) {
        self.window = window
        self.filter = filter
        self.timeZone = timeZone
        self.themeIndex = themeIndex
        self.themeCount = max(1, themeCount)
    }

    public func selectedRow(in pane: PaneKind) -> Int {
        selection[pane] ?? 0
    }
}

/// A key press, decoded from curses.
public enum Key: Equatable, Sendable {
    case up, down, left, right
    case pageUp, pageDown, home, end
    case tab
    /// Shift-Tab (curses `KEY_BTAB`).
    case backTab
    case enter
    case backspace
    case delete
    case escape
    case character(Character)
    /// The terminal changed size (curses `KEY_RESIZE`).
    case resize
    /// A function or other key code that the dashboard does not use.
    case other(Int32)
}

/// An action the wiring must take after a key. Everything else the controller changes in ``ViewState``.
public enum Command: Equatable, Sendable {
    case quit
    /// Query again with this filter text (already validated, or empty for none).
    case setFilter(String)
    case setWindow(WindowLength)
    /// Freeze (true) or thaw the screen; ingestion goes on either way.
    case setFrozen(Bool)
    case setTimeZone(TimeZoneMode)
    /// Switch to the theme at this index of the catalog.
    case setTheme(Int)
    /// Save the current screen as plain text and ANSI.
    case snapshot
}
