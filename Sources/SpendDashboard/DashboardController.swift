import SpendAggregation

/// Turns keys into changes of ``ViewState`` and into commands for the wiring; pure, so key
/// sequences are tested without a terminal.
///
/// Give it each frame's data with ``update(data:)`` so that selection, drill-down and the
/// organization picker work on the rows the screen shows.
public struct DashboardController {
    public var state: ViewState
    public let redactsUsers: Bool
    /// Returns why a filter text is invalid, or nil when it parses.
    private let validateFilter: @Sendable (String) -> String?
    private var data: DashboardData?

    /// Rows moved by PgUp and PgDn.
    static let pageSize = 10

    public init(state: ViewState, redactsUsers: Bool = false, validateFilter: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.state = state
        self.redactsUsers = redactsUsers
        self.validateFilter = validateFilter
    }

    public mutating func update(data: DashboardData) {
        self.data = data
    }

    /// The rows the panes show, in the current sort order.
    public var rows: PaneRows? {
        data.map { PaneRows(data: $0, sort: state.sort, redactsUsers: redactsUsers) }
    }

    /// Applies `key` and returns what the wiring must do, or nil when only the view changed.
    public mutating func handle(_ key: Key) -> Command? {
        state.notice = nil
        if state.filterEditor != nil { return handleFilterEditor(key) }
        if state.organizationPicker != nil { return handleOrganizationPicker(key) }
        switch key {
        case .tab, .right, .character("l"):
            moveFocus(by: 1)
        case .backTab, .left, .character("h"):
            moveFocus(by: -1)
        case .up, .character("k"):
            moveSelection(by: -1)
        case .down, .character("j"):
            moveSelection(by: 1)
        case .pageUp:
            moveSelection(by: -Self.pageSize)
        case .pageDown:
            moveSelection(by: Self.pageSize)
        case .home, .character("g"):
            moveSelection(by: Int.min / 2)
        case .end, .character("G"):
            moveSelection(by: Int.max / 2)
        case .enter:
            return drillIntoSelection()
        case .backspace:
            return stepBack()
        case .character("/"):
            state.filterEditor = FilterEditor(text: state.filter)
        case .character("o"):
            state.organizationPicker = OrganizationPicker(matches: organizations(matching: ""))
        case .character("w"):
            return changeWindow(to: nextWindow(after: state.window, wrapping: true))
        case .character("+"), .character("="):
            return changeWindow(to: nextWindow(after: state.window, wrapping: false))
        case .character("-"), .character("_"):
            return changeWindow(to: previousWindow(before: state.window))
        case .character("s"):
            let orders = SortOrder.allCases
            state.sort = orders[(orders.firstIndex(of: state.sort)! + 1) % orders.count]
            state.selection = [:]
        case .character("f"), .character(" "):
            state.frozen.toggle()
            return .setFrozen(state.frozen)
        case .character("z"):
            state.timeZone = state.timeZone == .utc ? .local : .utc
            return .setTimeZone(state.timeZone)
        case .character("t"):
            state.themeIndex = (state.themeIndex + 1) % max(1, state.themeCount)
            return .setTheme(state.themeIndex)
        case .character("S"):
            return .snapshot
        case .character("?"):
            state.showsHelp.toggle()
        case .escape:
            state.showsHelp = false
        case .character("q"):
            state.quits = true
            return .quit
        default:
            break
        }
        return nil
    }

    // MARK: Panes and selection

    private mutating func moveFocus(by step: Int) {
        let panes = PaneKind.allCases
        let index = panes.firstIndex(of: state.focusedPane)!
        state.focusedPane = panes[(index + step + panes.count) % panes.count]
    }

    private mutating func moveSelection(by step: Int) {
        let pane = state.focusedPane
        let count = rows?.count(in: pane) ?? 0
        guard count > 0 else {
            state.selection[pane] = 0
            return
        }
        let current = min(state.selectedRow(in: pane), count - 1)
        state.selection[pane] = min(count - 1, max(0, current + step))
    }

    // MARK: Filter

    private mutating func drillIntoSelection() -> Command? {
        let pane = state.focusedPane
        if pane == .users && redactsUsers {
            state.notice = "User ids are redacted, so Enter does not filter by user."
            return nil
        }
        guard let target = rows?.drillTarget(in: pane, at: state.selectedRow(in: pane)) else {
            state.notice = "This row has no value to filter by."
            return nil
        }
        return applyFilter(FilterText.adding(target.term, to: state.filter))
    }

    private mutating func stepBack() -> Command? {
        guard let previous = state.filterHistory.popLast() else {
            state.notice = "No earlier filter to go back to."
            return nil
        }
        state.filter = previous
        state.selection = [:]
        return .setFilter(previous)
    }

    /// Makes `text` the filter, remembering the old one for Backspace.
    private mutating func applyFilter(_ text: String) -> Command? {
        guard text != state.filter else { return nil }
        state.filterHistory.append(state.filter)
        state.filter = text
        state.selection = [:]
        return .setFilter(text)
    }

    private mutating func handleFilterEditor(_ key: Key) -> Command? {
        guard var editor = state.filterEditor else { return nil }
        switch key {
        case .escape:
            state.filterEditor = nil
            return nil
        case .enter:
            let text = editor.field.text.trimmingSpaces
            if !text.isEmpty, let error = validateFilter(text) {
                editor.error = error
                state.filterEditor = editor
                return nil
            }
            state.filterEditor = nil
            return applyFilter(text)
        default:
            if editor.field.edit(key) {
                editor.error = nil
            }
            state.filterEditor = editor
            return nil
        }
    }

    // MARK: Organization picker

    private func organizations(matching query: String) -> [String] {
        let names = data?.pickableOrganizations ?? []
        guard !query.isEmpty else { return names }
        let folded = query.lowercased()
        return names.filter { $0.lowercased().contains(folded) }
    }

    private mutating func handleOrganizationPicker(_ key: Key) -> Command? {
        guard var picker = state.organizationPicker else { return nil }
        switch key {
        case .escape:
            state.organizationPicker = nil
            return nil
        case .enter:
            guard picker.matches.indices.contains(picker.selection) else {
                state.notice = "No organization contains '\(picker.query.text)'."
                return nil
            }
            let name = picker.matches[picker.selection]
            state.organizationPicker = nil
            return applyFilter(FilterText.adding(DrillTarget(field: "org", value: name).term, to: state.filter))
        case .up:
            picker.selection = max(0, picker.selection - 1)
        case .down:
            picker.selection = min(max(0, picker.matches.count - 1), picker.selection + 1)
        default:
            if picker.query.edit(key) {
                picker.matches = organizations(matching: picker.query.text)
                picker.selection = 0
            }
        }
        state.organizationPicker = picker
        return nil
    }

    // MARK: Windows

    private mutating func changeWindow(to window: WindowLength) -> Command? {
        guard window != state.window else { return nil }
        state.window = window
        state.selection = [:]
        return .setWindow(window)
    }

    private func nextWindow(after window: WindowLength, wrapping: Bool) -> WindowLength {
        let windows = WindowLength.allCases
        let index = windows.firstIndex(of: window)!
        if index + 1 < windows.count { return windows[index + 1] }
        return wrapping ? windows[0] : window
    }

    private func previousWindow(before window: WindowLength) -> WindowLength {
        let windows = WindowLength.allCases
        let index = windows.firstIndex(of: window)!
        return index > 0 ? windows[index - 1] : window
    }
}

/// Edits of filter text that need no parser.
enum FilterText {
    /// Joins `term` to `filter` with a space, which the filter language reads as `and`.
    /// A filter with a top-level `or` is put in parentheses first, so the term applies to all of it.
    static func adding(_ term: String, to filter: String) -> String {
        let current = filter.trimmingSpaces
        if current.isEmpty { return term }
        if words(of: current).contains(term) { return current }
        if words(of: current).contains(where: { $0.lowercased() == "or" }) {
            return "(\(current)) \(term)"
        }
        return "\(current) \(term)"
    }

    /// Splits `text` into words at spaces outside double quotes.
    /// - Note: Parentheses are not tracked, so an `or` inside parentheses also triggers wrapping,
    ///   which is redundant but harmless.
    static func words(of text: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" && quoted {
                word.append(character)
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                word.append(character)
            } else if character == " " && !quoted {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
