/// The characters that lines, charts and badges are drawn with.
///
/// ``unicode`` uses box drawing, block elements and geometric shapes; ``ascii`` draws the same
/// screens with `+ - | # ^ !` and letters for terminals or logs without UTF-8 (`--ascii`).
public struct GlyphSet: Equatable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Bar levels from the lowest non-empty level to a full cell.
    public var bars: [Character]
    /// Marks a budget or value over its limit.
    public var over: Character
    /// Marks a warning.
    public var warning: Character
    /// Marks a healthy value.
    public var ok: Character
    /// Shows that a column is sorted, highest first.
    public var sortedDescending: Character
    /// Shows that a column is sorted, lowest first.
    public var sortedAscending: Character
    /// Ends text cut short to fit.
    public var ellipsis: Character
    /// Marks the selected row in a list, for screens without colour.
    public var pointer: Character
    public var arrowRight: Character

    public static let unicode = GlyphSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        bars: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        over: "▲", warning: "!", ok: "●", sortedDescending: "▼", sortedAscending: "▲",
        ellipsis: "…", pointer: "›", arrowRight: "→"
    )

    public static let ascii = GlyphSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        bars: [".", ".", ":", ":", "=", "=", "#", "#"],
        over: "^", warning: "!", ok: "o", sortedDescending: "v", sortedAscending: "^",
        ellipsis: "~", pointer: ">", arrowRight: ">"
    )

    /// Returns the bar character for `value` out of `maximum`, or a space for zero.
    public func bar(_ value: Int64, of maximum: Int64) -> Character {
        guard maximum > 0, value > 0 else { return " " }
        let level = Int((Double(value) / Double(maximum) * Double(bars.count)).rounded(.up))
        return bars[min(bars.count, max(1, level)) - 1]
    }
}
