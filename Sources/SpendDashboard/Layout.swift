/// The place of a pane on the screen: a full box, or one line of summary.
public struct PanePlacement: Equatable, Sendable {
    public var pane: PaneKind
    public var rect: Rect
    /// True when only a one-line summary fits.
    public var isSummary: Bool
}

/// The arrangement of panes for a screen size.
public enum DashboardLayout: Equatable, Sendable {
    /// Every pane in a box, three columns (needs 150x42).
    case wide
    /// Every pane in a box, two columns (needs 80x40).
    case twoColumns
    /// The focused pane in a box and the others as one-line summaries in two columns.
    case compact

    /// Rows above the panes: spend line, rates line, freshness line, view line.
    static let headerHeight = 4
    /// The key-hint line below the panes.
    static let footerHeight = 1

    static func choose(width: Int, height: Int) -> DashboardLayout {
        if width >= 150 && height >= 42 { return .wide }
        if width >= 80 && height >= 40 { return .twoColumns }
        return .compact
    }

    /// Rows of panes, each pane with how many columns it spans.
    private var grid: [[(PaneKind, Int)]] {
        switch self {
        case .wide:
            return [
                [(.provider, 1), (.model, 1), (.service, 1)],
                [(.organization, 1), (.users, 1), (.latency, 1)],
                [(.timeline, 2), (.budgets, 1)],
                [(.tail, 2), (.quality, 1)],
            ]
        case .twoColumns:
            return [
                [(.provider, 1), (.model, 1)],
                [(.service, 1), (.organization, 1)],
                [(.users, 1), (.latency, 1)],
                [(.timeline, 1), (.budgets, 1)],
                [(.tail, 1), (.quality, 1)],
            ]
        case .compact:
            return []
        }
    }

    /// Places every pane in `area`.
    func place(in area: Rect, focused: PaneKind) -> [PanePlacement] {
        if self == .compact { return placeCompact(in: area, focused: focused) }
        var placements: [PanePlacement] = []
        let rows = grid
        let columnCount = rows.map { $0.reduce(0) { $0 + $1.1 } }.max() ?? 1
        for (rowIndex, row) in rows.enumerated() {
            let top = area.y + split(area.height, parts: rows.count, index: rowIndex)
            let bottom = area.y + split(area.height, parts: rows.count, index: rowIndex + 1)
            var column = 0
            for (pane, span) in row {
                let left = area.x + split(area.width, parts: columnCount, index: column)
                let right = area.x + split(area.width, parts: columnCount, index: column + span)
                placements.append(PanePlacement(pane: pane, rect: Rect(x: left, y: top, width: right - left, height: bottom - top), isSummary: false))
                column += span
            }
        }
        return placements
    }

    private func placeCompact(in area: Rect, focused: PaneKind) -> [PanePlacement] {
        let others = PaneKind.allCases.filter { $0 != focused }
        let summaryRows = (others.count + 1) / 2
        let focusedHeight = max(3, area.height - summaryRows)
        var placements = [PanePlacement(pane: focused, rect: Rect(x: area.x, y: area.y, width: area.width, height: focusedHeight), isSummary: false)]
        let half = area.width / 2
        for (index, pane) in others.enumerated() {
            let column = index / summaryRows
            let row = index % summaryRows
            let x = area.x + (column == 0 ? 0 : half)
            let width = column == 0 ? half : area.width - half
            placements.append(PanePlacement(pane: pane, rect: Rect(x: x, y: area.y + focusedHeight + row, width: width, height: 1), isSummary: true))
        }
        return placements
    }

    /// Returns the start of part `index` when `length` is split into `parts` near-equal parts.
    private func split(_ length: Int, parts: Int, index: Int) -> Int {
        length * index / parts
    }
}
