import SpendAggregation
import SpendEvents

/// A column of a table pane.
struct TableColumn {
    var title: String
    var width: Int
    var rightAligned = true
    /// The sort order this column shows, marked in its title when active.
    var sort: SortOrder? = nil
}

/// One cell of a table pane.
struct TableCell {
    var text: String
    var role: Role = .normal

    init(_ text: String, _ role: Role = .normal) {
        self.text = text
        self.role = role
    }
}

extension FrameDrawer {
    // MARK: Boxes and summaries

    mutating func drawPane(_ pane: PaneKind, in rect: Rect) {
        let focused = pane == view.focusedPane
        let title = (focused ? "\(glyphs.pointer) " : "") + pane.title
        buffer.drawBox(rect, title: title, role: focused ? .focusedBorder : .border, titleRole: focused ? .focusedBorder : .header, glyphs: glyphs)
        let inner = rect.inset(by: 1)
        guard !inner.isEmpty else { return }

        let saved = buffer.clip
        buffer.clip = inner
        defer { buffer.clip = saved }
        switch pane {
        case .provider, .model, .service, .organization, .users:
            drawTablePane(pane, in: inner)
        case .latency:
            drawLatency(in: inner)
        case .timeline:
            drawTimeline(in: inner)
        case .tail:
            drawTail(in: inner)
        case .quality:
            drawQuality(in: inner)
        case .budgets:
            drawBudgets(in: inner)
        }
        buffer.clip = saved

        let count = rows.count(in: pane)
        if count > inner.height - 1, count > 0, pane != .quality {
            let position = " \(min(view.selectedRow(in: pane), count - 1) + 1)/\(count) "
            let positionWidth = DisplayWidth.of(position)
            if positionWidth + 4 <= rect.width {
                buffer.write(position, x: rect.maxX - 2 - positionWidth, y: rect.maxY - 1, role: focused ? .focusedBorder : .dim)
            }
        }
    }

    mutating func drawSummary(_ pane: PaneKind, in rect: Rect) {
        let label = pane.title + ": "
        let x = buffer.writeFitted(label, x: rect.x, y: rect.y, width: rect.width, role: .header, glyphs: glyphs)
        let remaining = rect.width - x - 1
        guard remaining > 0 else { return }
        let (text, role) = summary(of: pane, width: remaining)
        buffer.writeFitted(text, x: rect.x + x, y: rect.y, width: remaining, role: role, glyphs: glyphs)
    }

    /// Returns one line about `pane`, for layouts without room for its box.
    private func summary(of pane: PaneKind, width: Int) -> (String, Role) {
        if let dimension = pane.dimension {
            guard let first = rows.tableRows(dimension, ranks: 0..<1).first else { return ("no events", .dim) }
            let share = Format.percent(first.spend.micros, of: data.result.total.spend.micros)
            return ("\(key(first.key, dimension: dimension)) \(Format.dollars(first.spend)) \(share), \(rows.tableRowCount(dimension)) rows", .normal)
        }
        switch pane {
        case .latency:
            let latency = data.result.total.latency
            return ("p50 \(Format.milliseconds(latency.p50)) p90 \(Format.milliseconds(latency.p90)) p99 \(Format.milliseconds(latency.p99))", .normal)
        case .timeline:
            let buckets = Array(data.timeline.suffix(width))
            if buckets.isEmpty { return ("no data yet", .dim) }
            let maximum = buckets.map(\.micros).max() ?? 0
            return (String(buckets.map { glyphs.bar($0.micros, of: maximum) }), .good)
        case .tail:
            guard let line = data.tail.first else { return ("no events yet", .dim) }
            return ("\(time(line.timeMs)) \(line.model) \(Format.preciseDollars(line.cost))", .normal)
        case .quality:
            let counts = data.result.counts
            let broken = counts.skipped(.notJSON) + counts.skipped(.invalid)
            let problems = rows.qualityRows().map(\.severity)
            let worst: Severity = problems.contains(.over) ? .over : problems.contains(.warning) ? .warning : .ok
            let text = "\(worst.glyph(glyphs)) invalid \(Format.count(broken)), duplicates \(Format.count(counts.duplicates)), late \(Format.count(counts.late))"
            return (text, worst.role)
        case .budgets:
            guard let worst = data.budgets.max(by: { $0.fractionUsed < $1.fractionUsed }) else { return ("none set", .dim) }
            let severity = budgetSeverity(worst)
            return ("\(severity.glyph(glyphs)) \(worst.scope) \(Int((worst.fractionUsed * 100).rounded()))% of \(Format.dollars(worst.limit))/\(worst.period)", severity.role)
        default:
            return ("", .normal)
        }
    }

    // MARK: Tables

    /// Returns the indexes of the rows of `pane` that fit in `rect` below the table's header,
    /// scrolled so the selected row shows. Only these rows are formatted, because a pane can have 100,000 rows.
    private func visibleRows(_ pane: PaneKind, count: Int, in rect: Rect) -> Range<Int> {
        let visible = rect.height - 1
        guard visible > 0, count > 0 else { return 0..<0 }
        let selected = min(view.selectedRow(in: pane), count - 1)
        let first = selected < visible ? 0 : selected - visible + 1
        return first..<min(count, first + visible)
    }

    /// Draws a header row and the visible rows, `tableRows`, which start at row `firstRow` of
    /// `rowCount` (see `visibleRows`).
    private mutating func drawTable(
        _ pane: PaneKind, in rect: Rect, columns: [TableColumn], rows tableRows: [[TableCell]], firstRow: Int, rowCount: Int, empty: String
    ) {
        guard rect.height > 0 else { return }
        var x = rect.x
        for column in columns {
            var title = column.title
            if let sort = column.sort, sort == view.sort {
                title += String(sort == .name ? glyphs.sortedAscending : glyphs.sortedDescending)
            }
            if column.rightAligned {
                buffer.writeRightAligned(title, x: x, y: rect.y, width: column.width, role: .header, glyphs: glyphs)
            } else {
                buffer.writeFitted(title, x: x, y: rect.y, width: column.width, role: .header, glyphs: glyphs)
            }
            x += column.width + 1
        }
        let visible = rect.height - 1
        guard visible > 0 else { return }
        if rowCount == 0 {
            buffer.writeFitted(empty, x: rect.x, y: rect.y + 1, width: rect.width, role: .dim, glyphs: glyphs)
            return
        }
        let selected = min(view.selectedRow(in: pane), rowCount - 1)
        let first = firstRow
        for (offset, cells) in tableRows.prefix(visible).enumerated() {
            let y = rect.y + 1 + offset
            var x = rect.x
            for (column, cell) in zip(columns, cells) {
                if column.rightAligned {
                    buffer.writeRightAligned(cell.text, x: x, y: y, width: column.width, role: cell.role, glyphs: glyphs)
                } else {
                    buffer.writeFitted(cell.text, x: x, y: y, width: column.width, role: cell.role, glyphs: glyphs)
                }
                x += column.width + 1
            }
            if first + offset == selected && pane == view.focusedPane {
                buffer.paint(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selection)
            }
        }
    }

    /// `columns` after dropping the optional ones, last first, until the first column has
    /// `minimumKeyWidth`; the first column then takes the remaining width.
    private func fitColumns(_ columns: [TableColumn], width: Int, minimumKeyWidth: Int) -> [TableColumn] {
        var kept = columns
        func keyWidth() -> Int {
            width - kept.dropFirst().reduce(0) { $0 + $1.width + 1 }
        }
        while kept.count > 2 && keyWidth() < minimumKeyWidth {
            kept.removeLast()
        }
        kept[0].width = max(1, keyWidth())
        return kept
    }

    private func key(_ key: String?, dimension: Dimension) -> String {
        guard let key else { return "(none)" }
        return dimension == .user ? (rows.displayedUser(key) ?? key) : key
    }

    private mutating func drawTablePane(_ pane: PaneKind, in rect: Rect) {
        guard let dimension = pane.dimension else { return }
        let totalSpend = data.result.total.spend.micros
        let columns = fitColumns([
            TableColumn(title: dimension.rawValue, width: 0, rightAligned: false, sort: .name),
            TableColumn(title: "spend", width: 11, sort: .spend),
            TableColumn(title: "share", width: 5),
            TableColumn(title: "reqs", width: 7, sort: .requests),
            TableColumn(title: "p95", width: 7, sort: .latency),
            TableColumn(title: "cache", width: 5),
        ], width: rect.width, minimumKeyWidth: 12)
        let rowCount = rows.tableRowCount(dimension)
        let shown = visibleRows(pane, count: rowCount, in: rect)
        let tableRows = rows.tableRows(dimension, ranks: shown).map { row -> [TableCell] in
            var keyCell = TableCell(key(row.key, dimension: dimension), row.key == nil ? .dim : .normal)
            if let budget = budget(for: dimension, key: row.key) {
                let severity = budgetSeverity(budget)
                let used = String(Int((budget.fractionUsed * 100).rounded())) + "%"
                keyCell = TableCell("\(severity.glyph(glyphs)) \(keyCell.text) \(used)", severity.role)
            }
            return [
                keyCell,
                TableCell(Format.dollars(row.spend)),
                TableCell(Format.percent(row.spend.micros, of: totalSpend), .dim),
                TableCell(Format.compactCount(row.requests)),
                TableCell(Format.milliseconds(row.latency.p95)),
                TableCell(Format.percent(row.cacheHits, of: row.requests), .dim),
            ]
        }
        drawTable(pane, in: rect, columns: columns, rows: tableRows, firstRow: shown.lowerBound, rowCount: rowCount, empty: "no events in this window")
    }

    /// The budget whose scope is this row (`org:NAME`, `provider:NAME`, `service:NAME`), if any.
    private func budget(for dimension: Dimension, key: String?) -> BudgetStatus? {
        guard let key else { return nil }
        let prefix: String
        switch dimension {
        case .organization: prefix = "org:"
        case .provider: prefix = "provider:"
        case .service: prefix = "service:"
        default: return nil
        }
        return data.budgets.first { $0.scope == prefix + key }
    }

    private mutating func drawLatency(in rect: Rect) {
        let columns = fitColumns([
            TableColumn(title: "provider / model", width: 0, rightAligned: false, sort: .name),
            TableColumn(title: "p50", width: 7),
            TableColumn(title: "p90", width: 7),
            TableColumn(title: "p99", width: 7, sort: .latency),
            TableColumn(title: "max", width: 7),
        ], width: rect.width, minimumKeyWidth: 12)
        let allRows = rows.latencyRows()
        let shown = visibleRows(.latency, count: allRows.count, in: rect)
        let tableRows = allRows[shown].map { entry -> [TableCell] in
            let latency = entry.row.latency
            let name = entry.dimension == .provider ? (entry.row.key ?? "(none)") : "  " + (entry.row.key ?? "(none)")
            return [
                TableCell(name, entry.dimension == .provider ? .header : .normal),
                TableCell(Format.milliseconds(latency.p50)),
                TableCell(Format.milliseconds(latency.p90)),
                TableCell(Format.milliseconds(latency.p99)),
                TableCell(Format.milliseconds(latency.max), .dim),
            ]
        }
        drawTable(.latency, in: rect, columns: columns, rows: tableRows, firstRow: shown.lowerBound, rowCount: allRows.count, empty: "no events in this window")
    }

    private mutating func drawTail(in rect: Rect) {
        let columns = fitColumns([
            TableColumn(title: "model", width: 0, rightAligned: false),
            TableColumn(title: "time", width: 8, rightAligned: false),
            TableColumn(title: "cost", width: 8),
            TableColumn(title: "latency", width: 7),
            TableColumn(title: "provider", width: 9, rightAligned: false),
            TableColumn(title: "org", width: 12, rightAligned: false),
            TableColumn(title: "user", width: 12, rightAligned: false),
        ], width: rect.width, minimumKeyWidth: 14)
        // The model column takes the spare width up to 24 columns, and the organization and
        // user columns share the rest. On screen the model follows the time.
        var widened = columns
        if widened.count == 7, widened[0].width > 24 {
            let extra = widened[0].width - 24
            widened[0].width = 24
            widened[5].width += extra / 2
            widened[6].width += extra - extra / 2
        }
        let order = widened.count >= 2 ? [1, 0] + Array(2..<widened.count) : [0]
        let ordered = order.map { widened[$0] }
        let shown = visibleRows(.tail, count: data.tail.count, in: rect)
        let tableRows = data.tail[shown].map { line -> [TableCell] in
            let cells = [
                TableCell(line.model + (line.cached ? " (cached)" : ""), line.cached ? .dim : .normal),
                TableCell(time(line.timeMs), .dim),
                TableCell(Format.preciseDollars(line.cost)),
                TableCell(Format.milliseconds(line.latencyMs)),
                TableCell(line.provider),
                TableCell(line.organization ?? "(none)", line.organization == nil ? .dim : .normal),
                TableCell(rows.displayedUser(line.user) ?? "(none)", line.user == nil ? .dim : .normal),
            ]
            return order.map { cells[$0] }
        }
        drawTable(.tail, in: rect, columns: ordered, rows: tableRows, firstRow: shown.lowerBound, rowCount: data.tail.count, empty: "no events yet")
    }

    private mutating func drawQuality(in rect: Rect) {
        let messages = data.result.counts.messages
        let columns = fitColumns([
            TableColumn(title: "counter", width: 0, rightAligned: false),
            TableColumn(title: "count", width: 12),
            TableColumn(title: "share", width: 6),
        ], width: rect.width, minimumKeyWidth: 12)
        let allRows = rows.qualityRows()
        let shown = visibleRows(.quality, count: allRows.count, in: rect)
        let tableRows = allRows[shown].map { row -> [TableCell] in
            [
                TableCell("\(row.severity.glyph(glyphs)) \(row.label)", row.severity.role),
                TableCell(Format.count(row.value), row.severity.role),
                TableCell(Format.percent(row.value, of: messages), .dim),
            ]
        }
        drawTable(.quality, in: rect, columns: columns, rows: tableRows, firstRow: shown.lowerBound, rowCount: allRows.count, empty: "")
    }

    private func budgetSeverity(_ budget: BudgetStatus) -> Severity {
        if budget.fractionUsed >= 1 { return .over }
        if budget.fractionUsed >= 0.8 { return .warning }
        return .ok
    }

    private mutating func drawBudgets(in rect: Rect) {
        let columns = fitColumns([
            TableColumn(title: "budget", width: 0, rightAligned: false),
            TableColumn(title: "used", width: 5),
            TableColumn(title: "spent", width: 10),
            TableColumn(title: "limit", width: 14),
            TableColumn(title: "burn", width: 10),
            TableColumn(title: "runs out", width: 8),
        ], width: rect.width, minimumKeyWidth: 12)
        let shown = visibleRows(.budgets, count: data.budgets.count, in: rect)
        let tableRows = data.budgets[shown].map { budget -> [TableCell] in
            let severity = budgetSeverity(budget)
            let exhaustion: String
            if budget.fractionUsed >= 1 {
                exhaustion = "spent"
            } else if let seconds = budget.projectedExhaustion {
                exhaustion = "in " + Format.duration(Double(seconds))
            } else {
                exhaustion = "-"
            }
            return [
                TableCell("\(severity.glyph(glyphs)) \(budget.scope)", severity.role),
                TableCell(String(Int((budget.fractionUsed * 100).rounded())) + "%", severity.role),
                TableCell(Format.dollars(budget.spent)),
                TableCell("\(Format.dollars(budget.limit))/\(budget.period)", .dim),
                TableCell("\(Format.dollars(budget.burnRatePerMinute))/min"),
                TableCell(exhaustion, severity == .ok ? .normal : severity.role),
            ]
        }
        drawTable(.budgets, in: rect, columns: columns, rows: tableRows, firstRow: shown.lowerBound, rowCount: data.budgets.count, empty: "no budgets; set one with --budget total=200/day")
    }

    // MARK: Timeline

    /// Draws the newest buckets that fit as a bar chart: one column per bucket, bars built
    /// from eighth blocks, with the peak above and the time span below.
    private mutating func drawTimeline(in rect: Rect) {
        guard rect.height >= 1 else { return }
        let buckets = Array(data.timeline.suffix(rect.width))
        let maximum = buckets.map(\.micros).max() ?? 0
        let total = buckets.reduce(Money.zero, +)
        let bucketLabel = Format.span(seconds: data.timelineBucketSeconds)
        if rect.height < 3 {
            buffer.write(String(buckets.map { glyphs.bar($0.micros, of: maximum) }), x: rect.x, y: rect.y, role: .good)
            return
        }
        buffer.writeFitted("peak \(Format.dollars(Money(micros: maximum)))/\(bucketLabel)  shown \(Format.dollars(total))", x: rect.x, y: rect.y, width: rect.width, role: .dim, glyphs: glyphs)
        let chartTop = rect.y + 1
        let chartHeight = rect.height - 2
        let left = rect.x + rect.width - buckets.count
        let levels = Int64(chartHeight * 8)
        for (index, bucket) in buckets.enumerated() {
            guard maximum > 0, bucket.micros > 0 else { continue }
            let height = max(1, Int((Double(bucket.micros) / Double(maximum) * Double(levels)).rounded(.up)))
            for row in 0..<chartHeight {
                let fill = min(8, max(0, height - row * 8))
                guard fill > 0 else { break }
                buffer.put(Cell(glyphs.bars[fill - 1], role: .good), x: left + index, y: chartTop + chartHeight - 1 - row)
            }
        }
        let axisY = rect.maxY - 1
        let spanSeconds = Int64(buckets.count * data.timelineBucketSeconds)
        buffer.write("-" + Format.duration(Double(spanSeconds)), x: max(rect.x, left), y: axisY, role: .dim)
        buffer.writeRightAligned("now " + time(data.nowMs), x: rect.x, y: axisY, width: rect.width, role: .dim, glyphs: glyphs)
    }
}
