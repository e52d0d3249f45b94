/// Lines, boxes and fitted text on a ``ScreenBuffer``.
extension ScreenBuffer {
    /// Draws a box on the edge of `rect` with an optional title in its top line.
    public mutating func drawBox(_ rect: Rect, title: String? = nil, role: Role = .border, titleRole: Role = .title, glyphs: GlyphSet) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxX - 1
        let bottom = rect.maxY - 1
        drawHorizontalLine(x: rect.x + 1, y: rect.y, length: rect.width - 2, role: role, glyphs: glyphs)
        drawHorizontalLine(x: rect.x + 1, y: bottom, length: rect.width - 2, role: role, glyphs: glyphs)
        for y in (rect.y + 1)..<bottom {
            put(Cell(glyphs.vertical, role: role), x: rect.x, y: y)
            put(Cell(glyphs.vertical, role: role), x: right, y: y)
        }
        put(Cell(glyphs.topLeft, role: role), x: rect.x, y: rect.y)
        put(Cell(glyphs.topRight, role: role), x: right, y: rect.y)
        put(Cell(glyphs.bottomLeft, role: role), x: rect.x, y: bottom)
        put(Cell(glyphs.bottomRight, role: role), x: right, y: bottom)
        if let title, rect.width > 4 {
            let fitted = Self.fit(" \(title) ", width: rect.width - 2, glyphs: glyphs)
            write(fitted, x: rect.x + 1, y: rect.y, role: titleRole)
        }
    }

    public mutating func drawHorizontalLine(x: Int, y: Int, length: Int, role: Role = .border, glyphs: GlyphSet) {
        guard length > 0 else { return }
        for column in x..<(x + length) {
            put(Cell(glyphs.horizontal, role: role), x: column, y: y)
        }
    }

    /// Writes `text` cut to `width` columns, ending in an ellipsis when it was cut.
    @discardableResult
    public mutating func writeFitted(_ text: String, x: Int, y: Int, width: Int, role: Role = .normal, glyphs: GlyphSet, attributes: TextAttributes = []) -> Int {
        write(Self.fit(text, width: width, glyphs: glyphs), x: x, y: y, role: role, attributes: attributes, maxWidth: width)
    }

    /// Writes `text` so that it ends at column `x + width`, cut from the left side when too long.
    public mutating func writeRightAligned(_ text: String, x: Int, y: Int, width: Int, role: Role = .normal, glyphs: GlyphSet) {
        let fitted = Self.fit(text, width: width, glyphs: glyphs)
        let used = DisplayWidth.of(fitted)
        write(fitted, x: x + width - used, y: y, role: role, maxWidth: width)
    }

    /// `text` cut to at most `width` columns, with an ellipsis as its last column when it was cut.
    public static func fit(_ text: String, width: Int, glyphs: GlyphSet) -> String {
        guard width > 0 else { return "" }
        guard DisplayWidth.of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let columns = DisplayWidth.of(character)
            if used + columns > width - 1 { break }
            result.append(character)
            used += columns
        }
        result.append(glyphs.ellipsis)
        return result
    }

    /// `text` padded with spaces or cut to exactly `width` columns.
    public static func pad(_ text: String, width: Int, glyphs: GlyphSet) -> String {
        let fitted = fit(text, width: width, glyphs: glyphs)
        let used = DisplayWidth.of(fitted)
        return fitted + String(repeating: " ", count: max(0, width - used))
    }
}
