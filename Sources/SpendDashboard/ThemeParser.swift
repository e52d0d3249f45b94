/// A mistake in a theme file, with the line it is on and how to fix it.
public struct ThemeParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file name or theme name the text came from.
    public var source: String
    /// The line number, from 1.
    public var line: Int
    /// A full sentence: what is wrong and how to fix it.
    public var message: String

    public init(source: String, line: Int, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String { "\(source):\(line): \(message)" }
}

/// Reads theme files.
///
/// A theme file has one role per line, `role = FOREGROUND [on BACKGROUND] [ATTRIBUTE…]`, and
/// `#` starts a comment line. Colours are `default`, a name (`red`, `bright-red`), a palette
/// index 0-255 or `#rrggbb`; attributes are `bold`, `underline`, `reverse` and `dim`. A
/// `name = TEXT` line names the theme, which is otherwise named after its file.
///
/// ```
/// # Selected rows: black text on cyan.
/// selection = black on cyan bold
/// ```
public enum ThemeParser {
    public static func parse(_ text: String, name: String) throws(ThemeParseError) -> Theme {
        var theme = Theme(name: name, styles: [:])
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            do throws(ThemeLineError) {
                try parseLine(line, into: &theme)
            } catch {
                throw ThemeParseError(source: name, line: lineNumber, message: error.message)
            }
        }
        return theme
    }

    private struct ThemeLineError: Error {
        let message: String
    }

    private static let roleList = Role.allCases.map(\.rawValue).joined(separator: ", ")

    private static func parseLine(_ line: String, into theme: inout Theme) throws(ThemeLineError) {
        guard let equals = line.firstIndex(of: "=") else {
            throw ThemeLineError(message: "expected 'role = colour', but this line has no '='; write for example 'title = white on blue bold'.")
        }
        let key = String(line[..<equals]).trimmingSpaces
        let value = String(line[line.index(after: equals)...]).trimmingSpaces
        if key == "name" {
            guard !value.isEmpty else {
                throw ThemeLineError(message: "the theme name is empty; write a name after 'name =' or delete the line.")
            }
            theme.name = value
            return
        }
        guard let role = role(named: key) else {
            throw ThemeLineError(message: "unknown role '\(key)'; the roles are \(roleList).")
        }
        if theme.styles[role] != nil {
            throw ThemeLineError(message: "role '\(role.rawValue)' is set twice; delete one of the two lines.")
        }
        theme.styles[role] = try parseStyle(value, role: role)
    }

    /// Accepts `focused-border`, `focused_border` and `focusedBorder` alike.
    private static func role(named name: String) -> Role? {
        let folded = name.lowercased().filter { $0 != "-" && $0 != "_" }
        return Role.allCases.first { $0.rawValue.lowercased().filter { $0 != "-" } == folded }
    }

    private static func parseStyle(_ value: String, role: Role) throws(ThemeLineError) -> Style {
        var words = value.split(separator: " ", omittingEmptySubsequences: true).map { String($0).lowercased() }
        guard !words.isEmpty else {
            throw ThemeLineError(message: "role '\(role.rawValue)' has no colour; write a colour such as 'default', 'red', '244' or '#ffaf00'.")
        }
        var style = Style()
        if !isAttribute(words[0]) {
            style.foreground = try parseColor(words.removeFirst())
        }
        if words.first == "on" {
            words.removeFirst()
            guard let background = words.first, !isAttribute(background) else {
                throw ThemeLineError(message: "'on' needs a background colour after it, as in 'white on blue'.")
            }
            style.background = try parseColor(background)
            words.removeFirst()
        }
        for word in words {
            guard let attribute = attributes[word] else {
                throw ThemeLineError(message: "unknown attribute '\(word)'; the attributes are bold, underline, reverse and dim, and a background follows 'on'.")
            }
            style.attributes.insert(attribute)
        }
        return style
    }

    private static let attributes: [String: TextAttributes] = [
        "bold": .bold, "underline": .underline, "reverse": .reverse, "dim": .dim,
    ]

    private static func isAttribute(_ word: String) -> Bool {
        attributes[word] != nil
    }

    private static func parseColor(_ word: String) throws(ThemeLineError) -> TerminalColor {
        if word == "default" { return .terminalDefault }
        if let named = TerminalColor.named(word) { return named }
        if word.hasPrefix("#") {
            let hex = word.dropFirst()
            guard hex.count == 6, let value = UInt32(hex, radix: 16) else {
                throw ThemeLineError(message: "invalid colour '\(word)'; a true colour is '#' and six hex digits, as in '#ffaf00'.")
            }
            return .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        }
        if word.allSatisfy(\.isNumber) {
            guard let index = Int(word), index <= 255 else {
                throw ThemeLineError(message: "colour index \(word) is out of range; palette colours are 0 to 255.")
            }
            return .indexed(UInt8(index))
        }
        throw ThemeLineError(message: "unknown colour '\(word)'; use default, a name (\(TerminalColor.names.joined(separator: ", ")), optionally with 'bright-'), an index 0-255 or #rrggbb.")
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
