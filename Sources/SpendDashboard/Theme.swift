/// A terminal colour as a theme names it.
public enum TerminalColor: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the 256 palette entries: 0-7 are the named colours, 8-15 their bright forms,
    /// 16-231 a 6x6x6 colour cube and 232-255 a grey ramp.
    case indexed(UInt8)
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)

    /// The eight colours every colour terminal has, in palette order.
    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    public static func named(_ name: String) -> TerminalColor? {
        if let index = names.firstIndex(of: name) { return .indexed(UInt8(index)) }
        if name.hasPrefix("bright-"), let index = names.firstIndex(of: String(name.dropFirst(7))) {
            return .indexed(UInt8(8 + index))
        }
        return nil
    }

    /// Returns the closest colour a terminal of `depth` can show, or nil when it shows none.
    public func reduced(to depth: ColorDepth) -> TerminalColor? {
        switch (self, depth) {
        case (_, .none):
            return nil
        case (.terminalDefault, _), (_, .trueColor):
            return self
        case (.indexed(let index), .palette256):
            return .indexed(index)
        case (.indexed(let index), .eight):
            if index < 8 { return self }
            if index < 16 { return .indexed(index - 8) }
            return Self.nearestOfEight(Self.components(ofIndex: index))
        case (.rgb(let red, let green, let blue), .palette256):
            return .indexed(Self.nearestOf256(red, green, blue))
        case (.rgb(let red, let green, let blue), .eight):
            return Self.nearestOfEight((red, green, blue))
        }
    }

    /// Returns the red, green and blue components of palette entry `index`, as xterm sets them.
    public static func components(ofIndex index: UInt8) -> (UInt8, UInt8, UInt8) {
        let base: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if index < 16 { return base[Int(index)] }
        if index >= 232 {
            let level = UInt8(8 + 10 * (Int(index) - 232))
            return (level, level, level)
        }
        let cube = Int(index) - 16
        return (cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
    }

    private static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    private static func nearestOf256(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        var best: UInt8 = 16
        var bestDistance = Int.max
        for index in 16...255 {
            let distance = squaredDistance(components(ofIndex: UInt8(index)), (red, green, blue))
            if distance < bestDistance {
                bestDistance = distance
                best = UInt8(index)
            }
        }
        return best
    }

    private static func nearestOfEight(_ color: (UInt8, UInt8, UInt8)) -> TerminalColor {
        let threshold: UInt8 = 128
        let red: UInt8 = color.0 >= threshold ? 1 : 0
        let green: UInt8 = color.1 >= threshold ? 2 : 0
        let blue: UInt8 = color.2 >= threshold ? 4 : 0
        return .indexed(red | green | blue)
    }

    private static func squaredDistance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let red = Int(a.0) - Int(b.0)
        let green = Int(a.1) - Int(b.1)
        let blue = Int(a.2) - Int(b.2)
        return red * red + green * green + blue * blue
    }
}

/// How many colours a terminal shows.
public enum ColorDepth: Int, Comparable, Sendable {
    case none
    case eight
    case palette256
    case trueColor

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// The colours and attributes of one role.
public struct Style: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .terminalDefault, background: TerminalColor = .terminalDefault, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()
}

/// A colour theme: a style for each ``Role``.
public struct Theme: Equatable, Sendable {
    public var name: String
    /// Styles by role; a role without one is drawn in the `normal` style.
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: Role) -> Style {
        styles[role] ?? styles[.normal] ?? .plain
    }

    /// Returns the style of `role` as drawn on a terminal of `depth`.
    ///
    /// Without colour, every role takes the attributes of the monochrome theme, because a
    /// colour theme may mark the selection or an error by colour alone.
    public func effectiveStyle(for role: Role, depth: ColorDepth) -> Style {
        guard depth != .none else {
            return Style(attributes: Theme.monochrome.style(for: role).attributes)
        }
        let style = style(for: role)
        return Style(
            foreground: style.foreground.reduced(to: depth) ?? .terminalDefault,
            background: style.background.reduced(to: depth) ?? .terminalDefault,
            attributes: style.attributes
        )
    }
}
