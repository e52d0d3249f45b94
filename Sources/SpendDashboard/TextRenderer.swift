/// Turns a ``ScreenBuffer`` into text: plain lines for golden tests and snapshots, or text
/// with ANSI escape sequences (SGR) for `.ans` snapshots and `report --format screen --color`.
public enum TextRenderer {
    /// Returns one string per row, without trailing spaces when `trimmingTrailingSpaces` is true.
    public static func plainLines(_ buffer: ScreenBuffer, trimmingTrailingSpaces: Bool = true) -> [String] {
        (0..<buffer.height).map { y in
            var line = ""
            for x in 0..<buffer.width where !buffer[x, y].isContinuation {
                line.append(buffer[x, y].character)
            }
            if trimmingTrailingSpaces {
                while line.last == " " { line.removeLast() }
            }
            return line
        }
    }

    /// Returns the rows joined by newlines, with a final newline.
    public static func plainText(_ buffer: ScreenBuffer) -> String {
        plainLines(buffer).joined(separator: "\n") + "\n"
    }

    /// Returns the rows with SGR sequences for `theme` at `depth`. Every row ends with a reset.
    public static func ansiText(_ buffer: ScreenBuffer, theme: Theme, depth: ColorDepth) -> String {
        var output = ""
        for y in 0..<buffer.height {
            var current: Style? = nil
            var pendingSpaces = ""
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                var style = theme.effectiveStyle(for: cell.role, depth: depth)
                style.attributes.formUnion(cell.attributes)
                if style != current {
                    output += pendingSpaces
                    pendingSpaces = ""
                    output += sgr(style)
                    current = style
                }
                if cell.character == " " && style == Style.plain {
                    pendingSpaces.append(" ")
                } else {
                    output += pendingSpaces
                    pendingSpaces = ""
                    output.append(cell.character)
                }
            }
            output += "\u{1B}[0m\n"
        }
        return output
    }

    /// Returns the SGR sequence that resets and then sets `style`.
    public static func sgr(_ style: Style) -> String {
        var codes = ["0"]
        if style.attributes.contains(.bold) { codes.append("1") }
        if style.attributes.contains(.dim) { codes.append("2") }
        if style.attributes.contains(.underline) { codes.append("4") }
        if style.attributes.contains(.reverse) { codes.append("7") }
        if let foreground = colorCode(style.foreground, base: 30) { codes.append(foreground) }
        if let background = colorCode(style.background, base: 40) { codes.append(background) }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    private static func colorCode(_ color: TerminalColor, base: Int) -> String? {
        switch color {
        case .terminalDefault:
            return nil
        case .indexed(let index) where index < 8:
            return String(base + Int(index))
        case .indexed(let index) where index < 16:
            return String(base + 60 + Int(index) - 8)
        case .indexed(let index):
            return "\(base + 8);5;\(index)"
        case .rgb(let red, let green, let blue):
            return "\(base + 8);2;\(red);\(green);\(blue)"
        }
    }
}
