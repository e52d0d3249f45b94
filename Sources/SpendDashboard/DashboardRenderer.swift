import SpendAggregation
import SpendEvents

/// Drawing options of a frame, apart from its data and view state.
public struct RenderOptions: Equatable, Sendable {
    public var glyphs: GlyphSet
    /// Shows user ids as `user#` and a hash (`--redact`).
    public var redactsUsers: Bool

    public init(glyphs: GlyphSet = .unicode, redactsUsers: Bool = false) {
        self.glyphs = glyphs
        self.redactsUsers = redactsUsers
    }
}

/// Draws a whole dashboard frame from data and view state; pure, so tests compare its
/// output with literal screens.
public enum DashboardRenderer {
    /// The smallest screen the dashboard draws panes on; smaller screens show a notice.
    public static let minimumWidth = 60
    public static let minimumHeight = 16

    public static func render(data: DashboardData, view: ViewState, width: Int, height: Int, options: RenderOptions = RenderOptions()) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            drawTooSmall(into: &buffer)
            return buffer
        }
        let rows = PaneRows(data: data, sort: view.sort, redactsUsers: options.redactsUsers)
        var frame = FrameDrawer(buffer: buffer, data: data, view: view, rows: rows, glyphs: options.glyphs)
        frame.drawHeader()
        let area = Rect(
            x: 0, y: DashboardLayout.headerHeight, width: width,
            height: height - DashboardLayout.headerHeight - DashboardLayout.footerHeight
        )
        let layout = DashboardLayout.choose(width: width, height: height)
        for placement in layout.place(in: area, focused: view.focusedPane) {
            if placement.isSummary {
                frame.drawSummary(placement.pane, in: placement.rect)
            } else {
                frame.drawPane(placement.pane, in: placement.rect)
            }
        }
        frame.drawFooter()
        if view.organizationPicker != nil { frame.drawOrganizationPicker() }
        if view.showsHelp { frame.drawHelp() }
        return frame.buffer
    }

    /// Draws the notice for a screen smaller than the minimum, wrapped to its width.
    static func drawTooSmall(into buffer: inout ScreenBuffer) {
        let text = "terminal too small: need at least \(minimumWidth)x\(minimumHeight), have \(buffer.width)x\(buffer.height); q quits"
        for (y, line) in wrap(text, width: buffer.width).enumerated() {
            buffer.write(line, x: 0, y: y, role: y == 0 ? .warn : .normal)
        }
    }

    /// Breaks `text` into lines of at most `width` columns at spaces, cutting longer words.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            var word = String(word)
            if !line.isEmpty && DisplayWidth.of(line) + 1 + DisplayWidth.of(word) <= width {
                line += " " + word
                continue
            }
            if !line.isEmpty { lines.append(line) }
            while DisplayWidth.of(word) > width {
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            line = word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// Draws one frame into a buffer; the header, footer and overlays live here, the panes in
/// PaneDrawing.swift.
struct FrameDrawer {
    var buffer: ScreenBuffer
    let data: DashboardData
    let view: ViewState
    let rows: PaneRows
    let glyphs: GlyphSet

    var width: Int { buffer.width }
    var height: Int { buffer.height }

    // MARK: Header

    mutating func drawHeader() {
        drawSpendLine()
        drawRatesLine()
        drawFreshnessLine()
        drawViewLine()
    }

    private mutating func drawSpendLine() {
        buffer.fill(Rect(x: 0, y: 0, width: width, height: 1), role: .title)
        var badgeWidth = 0
        if let frozen = data.frozen, view.frozen {
            let heldSeconds = max(0, (data.nowMs - frozen.sinceMs) / 1_000)
            var badge = " PAUSED \(Format.duration(Double(heldSeconds))) since \(time(frozen.sinceMs)), +\(Format.count(frozen.eventsSince)) events "
            if DisplayWidth.of(badge) > width / 2 { badge = " PAUSED " }
            badgeWidth = DisplayWidth.of(badge)
            buffer.write(badge, x: width - badgeWidth, y: 0, role: .warn, attributes: [.reverse])
        } else if view.frozen {
            badgeWidth = 8
            buffer.write(" PAUSED ", x: width - badgeWidth, y: 0, role: .warn, attributes: [.reverse])
        }
        let arrow = glyphs.arrowRight
        var parts = [" spendtop", "\(Format.dollars(data.result.total.spend)) in \(view.window.rawValue)", "burn \(Format.dollars(data.rates.burnPerMinute))/min"]
        if let hour = data.rates.projectedEndOfHour { parts.append("hour\(arrow)\(Format.dollars(hour))") }
        if let day = data.rates.projectedEndOfDay { parts.append("day\(arrow)\(Format.dollars(day))") }
        buffer.writeFitted(parts.joined(separator: "  "), x: 0, y: 0, width: width - badgeWidth - 1, role: .title, glyphs: glyphs)
    }

    private mutating func drawRatesLine() {
        let total = data.result.total
        let hitRate = Format.percent(total.cacheHits, of: total.requests)
        let savings = Format.dollars(total.cacheSavings) + (total.cacheSavingsEstimated ? "~" : "")
        drawLabelled([
            ("requests", Format.rate(data.rates.requestsPerSecond), .normal),
            ("in window", Format.count(total.requests), .normal),
            ("cache hits", hitRate, .normal),
            ("saved", savings, .good),
            ("p95", total.requests == 0 ? "-" : Format.milliseconds(total.latency.p95), .normal),
            ("p99", total.requests == 0 ? "-" : Format.milliseconds(total.latency.p99), .normal),
        ], y: 1)
    }

    private mutating func drawFreshnessLine() {
        let freshness = data.freshness
        let health: Severity
        switch freshness.health {
        case .connected: health = .ok
        case .degraded: health = .warning
        case .disconnected: health = .over
        }
        var x = 1
        x += buffer.write("\(health.glyph(glyphs)) \(freshness.connection.isEmpty ? "no source" : freshness.connection)", x: x, y: 2, role: health.role)
        var segments: [(String, String, Role)] = [("events", Format.rate(freshness.eventsPerSecond), .normal)]
        if let lag = freshness.lag { segments.append(("lag", Format.count(lag), .normal)) }
        if let age = freshness.newestEventAgeSeconds {
            segments.append(("newest", Format.duration(age) + " ago", age >= 60 ? .warn : .normal))
        } else {
            segments.append(("newest", "none yet", .dim))
        }
        if !freshness.source.isEmpty { segments.append(("from", freshness.source, .normal)) }
        drawLabelled(segments, y: 2, from: x + 2)
    }

    private mutating func drawViewLine() {
        let zone = view.timeZone == .utc ? "UTC" : "local " + Format.offset(data.localOffsetSeconds)
        var x = 1
        x += buffer.write("filter ", x: x, y: 3, role: .dim)
        if view.filter.isEmpty {
            x += buffer.write("none", x: x, y: 3, role: .dim)
        } else {
            let shown = rows.redactsUsers ? PaneRows.redactedFilter(view.filter) : view.filter
            x += buffer.writeFitted(shown, x: x, y: 3, width: max(10, width / 2), role: .header, glyphs: glyphs)
        }
        var segments: [(String, String, Role)] = [("window", view.window.rawValue, .normal)]
        if let since = data.result.completeSince {
            // The record cap made older seconds leave the rolling windows early.
            segments.append(("holds only since", time(since * 1_000), .warn))
        }
        segments += [(zone, time(data.nowMs), .normal), ("sort", view.sort.rawValue, .normal)]
        drawLabelled(segments, y: 3, from: x + 2)
    }

    /// Writes `label value` pairs separated by two spaces, as many as fit.
    private mutating func drawLabelled(_ segments: [(String, String, Role)], y: Int, from start: Int = 1) {
        var x = start
        for (label, value, role) in segments {
            let needed = DisplayWidth.of(label) + 1 + DisplayWidth.of(value)
            guard x + needed <= width else { break }
            x += buffer.write(label + " ", x: x, y: y, role: .dim)
            x += buffer.write(value, x: x, y: y, role: role)
            x += 2
        }
    }

    func time(_ ms: Int64) -> String {
        Format.timeOfDay(ms: ms, offsetSeconds: view.timeZone == .utc ? 0 : data.localOffsetSeconds)
    }

    // MARK: Footer and overlays

    mutating func drawFooter() {
        let y = height - 1
        if let editor = view.filterEditor {
            drawFilterEditor(editor, y: y)
            return
        }
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1), role: .keyHint)
        if let notice = view.notice {
            buffer.writeFitted(" " + notice, x: 0, y: y, width: width, role: .warn, glyphs: glyphs, attributes: [.reverse])
            return
        }
        let hints = " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  s sort  f freeze  z zone  t theme  S snapshot  ? help  q quit"
        buffer.writeFitted(hints, x: 0, y: y, width: width, role: .keyHint, glyphs: glyphs)
    }

    private mutating func drawFilterEditor(_ editor: FilterEditor, y: Int) {
        let messageLine = Rect(x: 0, y: y - 1, width: width, height: 1)
        buffer.fill(messageLine)
        if let error = editor.error {
            buffer.writeFitted(" " + error, x: 0, y: y - 1, width: width, role: .error, glyphs: glyphs)
        } else {
            buffer.writeFitted(" Enter applies the filter, Esc leaves it unchanged, Ctrl-U clears. Example: org=acme provider!=openai", x: 0, y: y - 1, width: width, role: .dim, glyphs: glyphs)
        }
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1))
        let prompt = " filter: "
        let x = buffer.write(prompt, x: 0, y: y, role: .header)
        drawField(editor.field, x: x, y: y, width: width - x - 1)
    }

    /// Draws a text field with its cursor as a reversed cell, scrolled so the cursor shows.
    private mutating func drawField(_ field: TextField, x: Int, y: Int, width fieldWidth: Int) {
        guard fieldWidth > 1 else { return }
        let characters = Array(field.text)
        let first = max(0, field.cursor - fieldWidth + 1)
        var column = x
        for index in first...characters.count {
            guard column < x + fieldWidth else { break }
            let isCursor = index == field.cursor
            let character = index < characters.count ? characters[index] : " "
            column += buffer.write(String(character), x: column, y: y, role: .normal, attributes: isCursor ? [.reverse] : [], maxWidth: x + fieldWidth - column)
        }
    }

    mutating func drawOrganizationPicker() {
        guard let picker = view.organizationPicker else { return }
        let boxWidth = min(56, width - 4)
        let listHeight = max(1, min(picker.matches.count, height - 10))
        let boxHeight = listHeight + 5
        let box = Rect(x: (width - boxWidth) / 2, y: max(1, (height - boxHeight) / 2), width: boxWidth, height: boxHeight)
        buffer.fill(box)
        buffer.drawBox(box, title: "Organization", role: .focusedBorder, titleRole: .focusedBorder, glyphs: glyphs)
        let inner = box.inset(by: 1)
        let x = buffer.write(" find: ", x: inner.x, y: inner.y, role: .header)
        drawField(picker.query, x: inner.x + x, y: inner.y, width: inner.width - x - 1)
        buffer.writeFitted(" \(picker.matches.count) match\(picker.matches.count == 1 ? "" : "es")", x: inner.x, y: inner.y + 1, width: inner.width, role: .dim, glyphs: glyphs)
        let listTop = inner.y + 2
        if picker.matches.isEmpty {
            buffer.writeFitted(" no organization contains '\(picker.query.text)'", x: inner.x, y: listTop, width: inner.width, role: .dim, glyphs: glyphs)
        }
        let first = picker.selection < listHeight ? 0 : picker.selection - listHeight + 1
        for (offset, name) in picker.matches.dropFirst(first).prefix(listHeight).enumerated() {
            let index = first + offset
            let selected = index == picker.selection
            let marker = selected ? String(glyphs.pointer) : " "
            buffer.writeFitted("\(marker)\(name)", x: inner.x, y: listTop + offset, width: inner.width, role: selected ? .selection : .normal, glyphs: glyphs)
            if selected { buffer.paint(Rect(x: inner.x, y: listTop + offset, width: inner.width, height: 1), role: .selection) }
        }
        buffer.writeFitted(" Enter adds it to the filter, Esc leaves ", x: box.x + 1, y: box.maxY - 1, width: box.width - 2, role: .dim, glyphs: glyphs)
    }

    mutating func drawHelp() {
        let entries: [(String, String)] = [
            ("Tab, Shift-Tab", "next, previous pane"),
            ("up, down, j k", "move in a pane"),
            ("left, right, h l", "previous, next pane"),
            ("Home, End, g G", "first, last row"),
            ("PgUp, PgDn", "move a page"),
            ("Enter", "add the selected row to the filter"),
            ("Backspace", "back to the previous filter"),
            ("/", "edit the filter"),
            ("o", "pick an organization by name"),
            ("w, +, -", "next, longer, shorter window"),
            ("s", "next sort order"),
            ("f, Space", "freeze the screen (ingestion goes on)"),
            ("z", "toggle UTC and local time"),
            ("t", "next theme"),
            ("S", "save a snapshot of the screen"),
            ("?, Esc", "close this help"),
            ("q", "quit"),
        ]
        let boxWidth = min(60, width - 2)
        let boxHeight = min(entries.count + 2, height - 2)
        let box = Rect(x: (width - boxWidth) / 2, y: (height - boxHeight) / 2, width: boxWidth, height: boxHeight)
        buffer.fill(box)
        buffer.drawBox(box, title: "Keys", role: .focusedBorder, titleRole: .focusedBorder, glyphs: glyphs)
        let inner = box.inset(by: 1)
        for (index, entry) in entries.prefix(inner.height).enumerated() {
            let keyWidth = 17
            buffer.writeFitted(" " + entry.0, x: inner.x, y: inner.y + index, width: keyWidth, role: .header, glyphs: glyphs)
            buffer.writeFitted(entry.1, x: inner.x + keyWidth + 1, y: inner.y + index, width: inner.width - keyWidth - 1, glyphs: glyphs)
        }
    }
}
