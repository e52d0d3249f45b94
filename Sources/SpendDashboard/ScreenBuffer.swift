/// A semantic role of drawn text. Drawing code names roles and a ``Theme`` maps them to colours.
public enum Role: String, CaseIterable, Sendable {
    case normal
    case title
    case header
    case border
    case focusedBorder = "focused-border"
    case selection
    case good
    case warn
    case bad
    case dim
    case keyHint = "key-hint"
    case error
}

/// Text attributes that terminals draw without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let underline = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)
}

/// One terminal cell: a grapheme, its role and extra attributes.
///
/// A character two columns wide fills its own cell (`width` 2) and the cell to its right,
/// which is a continuation cell (`width` 0) that draws nothing.
public struct Cell: Equatable, Sendable {
    public var character: Character
    /// Columns the character takes: 1, 2 for wide characters, 0 for the right half of a wide one.
    public var width: UInt8
    public var role: Role
    /// Attributes added to the role's own, such as underline for a cursor.
    public var attributes: TextAttributes

    public init(_ character: Character = " ", width: UInt8 = 1, role: Role = .normal, attributes: TextAttributes = []) {
        self.character = character
        self.width = width
        self.role = role
        self.attributes = attributes
    }

    public static let blank = Cell()

    public var isContinuation: Bool { width == 0 }
}

/// A point on the screen: column `x` and row `y`, both from zero at the top left.
public struct Point: Equatable, Sendable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A rectangle of cells.
public struct Rect: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The rectangle shrunk by `amount` cells on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}

/// A grid of cells that a frame is drawn into before it reaches a terminal or a text file.
///
/// Every write is clipped to the buffer, and to an optional clip rectangle, so drawing code
/// never checks bounds itself. Writing over half of a wide character blanks its other half.
public struct ScreenBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// The area writes are limited to; the whole buffer by default.
    public var clip: Rect

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
        self.clip = Rect(x: 0, y: 0, width: self.width, height: self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes `text` from (`x`, `y`) to the right and returns the columns it used.
    ///
    /// Control characters are drawn as U+FFFD, and a wide character that would cross the right
    /// limit (the clip or `maxWidth`) is replaced by a space so no half character is drawn.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, role: Role = .normal, attributes: TextAttributes = [],
        maxWidth: Int? = nil
    ) -> Int {
        let limit = min(clip.maxX, maxWidth.map { x + max(0, $0) } ?? Int.max)
        var column = x
        for character in text {
            let printable = DisplayWidth.isControl(character) ? "\u{FFFD}" : character
            let columns = DisplayWidth.of(printable)
            if columns == 0 { continue }
            if column + columns > limit {
                if columns == 2, column < limit {
                    put(Cell(" ", role: role, attributes: attributes), x: column, y: y)
                    column += 1
                }
                break
            }
            put(Cell(printable, width: UInt8(columns), role: role, attributes: attributes), x: column, y: y)
            column += columns
        }
        return column - x
    }

    /// Fills `rect` with `character` drawn in `role`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: Role = .normal, attributes: TextAttributes = []) {
        guard rect.height > 0, rect.width > 0 else { return }
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX {
                put(Cell(character, role: role, attributes: attributes), x: x, y: y)
            }
        }
    }

    /// Sets the role (and adds attributes) of the cells in `rect` without changing their text.
    public mutating func paint(_ rect: Rect, role: Role, attributes: TextAttributes = []) {
        guard rect.height > 0, rect.width > 0 else { return }
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX where isWritable(x: x, y: y) {
                cells[y * width + x].role = role
                cells[y * width + x].attributes.formUnion(attributes)
            }
        }
    }

    /// Places one cell, and its continuation for a wide character, keeping wide characters whole.
    public mutating func put(_ cell: Cell, x: Int, y: Int) {
        guard isWritable(x: x, y: y) else { return }
        if cell.width == 2 {
            guard isWritable(x: x + 1, y: y) else {
                put(Cell(" ", role: cell.role, attributes: cell.attributes), x: x, y: y)
                return
            }
        }
        breakWideCharacter(at: x, y: y)
        cells[y * width + x] = cell
        if cell.width == 2 {
            breakWideCharacter(at: x + 1, y: y)
            cells[y * width + x + 1] = Cell(" ", width: 0, role: cell.role, attributes: cell.attributes)
        }
    }

    private func isWritable(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
            && x >= clip.x && x < clip.maxX && y >= clip.y && y < clip.maxY
    }

    /// Blanks the other half of a wide character before one of its halves is overwritten.
    private mutating func breakWideCharacter(at x: Int, y: Int) {
        let index = y * width + x
        let cell = cells[index]
        if cell.width == 2, x + 1 < width {
            cells[index + 1] = Cell(" ", role: cell.role, attributes: cell.attributes)
        } else if cell.width == 0, x > 0 {
            let lead = cells[index - 1]
            cells[index - 1] = Cell(" ", role: lead.role, attributes: lead.attributes)
        }
    }
}

/// Terminal column widths of characters, after Unicode's East Asian Width property.
///
/// - Note: The wide ranges are the common ones (CJK, Hangul, fullwidth forms, emoji), not the
///   full Unicode table, so a rare wide character may be counted as one column.
public enum DisplayWidth {
    /// The columns `character` takes: 0 for combining marks on their own, 2 for wide characters, else 1.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let value = first.value
        if isZeroWidth(value) { return 0 }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return isWide(value) ? 2 : 1
    }

    /// The columns `text` takes.
    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    static func isControl(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        return value < 0x20 || (value >= 0x7F && value < 0xA0)
    }

    private static func isZeroWidth(_ value: UInt32) -> Bool {
        (0x0300...0x036F).contains(value) || (0x200B...0x200F).contains(value)
            || (0x20D0...0x20FF).contains(value) || (0xFE00...0xFE0F).contains(value)
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F5, 0x26FA...0x26FD,
        0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C, 0x2753...0x2755,
        0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C,
        0x2B50...0x2B50, 0x2B55...0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
        0x1F680...0x1F6FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        return wideRanges.contains { $0.contains(value) }
    }
}
