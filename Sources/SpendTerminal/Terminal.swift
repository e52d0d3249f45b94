#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcurses
import SpendDashboard

/// A failure to start the terminal.
public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}

/// The screen, through ncurses: draws ``ScreenBuffer`` frames by sending only the changed
/// cells, reads keys with a timeout, and restores the terminal on ``restore()`` or deinit.
///
/// Use it from one thread. Install ``TerminationSignals`` before creating it.
public final class Terminal {
    public private(set) var width: Int
    public private(set) var height: Int
    /// The colours in use: from the terminal's terminfo entry, or none under `NO_COLOR`.
    public let colorDepth: ColorDepth
    private var theme: Theme
    /// The frame on screen, nil when the next draw must redraw every cell.
    private var previous: ScreenBuffer?
    private var attributesByRole: [Role: (attributes: attr_t, pair: Int16)] = [:]
    private var hasDefaultColors = false
    private var isActive = true

    /// Starts curses: locale from the environment, no echo, keys unbuffered, keypad codes,
    /// hidden cursor and colours when the terminal has them.
    public init(theme: Theme, environment: [String: String]) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(description: "the dashboard needs a terminal on standard input and output; use `spendtop report` to print to a file or pipe.")
        }
        setlocale(LC_ALL, "")
        guard spendtop_newterm() != nil else {
            throw TerminalError(description: "cannot start the terminal for TERM='\(environment["TERM"] ?? "")'; set TERM to a terminal type with a terminfo entry on this system, such as xterm-256color.")
        }
        let screen = spendtop_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(screen, true)
        curs_set(0)
        // After this delay (ms) a lone Esc counts as the Esc key, not the start of an escape sequence.
        set_escdelay(25)
        Self.checkKeyCodes()

        // COLORS is set by start_color, so colours start before the depth is read.
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        if !noColor && has_colors() {
            start_color()
            hasDefaultColors = use_default_colors() == OK
        }
        colorDepth = Self.detectColorDepth(environment: environment)
        self.theme = theme
        width = Int(spendtop_getmaxx(screen))
        height = Int(spendtop_getmaxy(screen))
        defineColorPairs()
    }

    deinit {
        restore()
    }

    /// Ends curses and returns the terminal to its normal mode; later calls do nothing.
    public func restore() {
        guard isActive else { return }
        isActive = false
        curs_set(1)
        endwin()
    }

    public func setTheme(_ theme: Theme) {
        self.theme = theme
        defineColorPairs()
        previous = nil
    }

    /// Redraws every cell on the next ``draw(_:)``, as after a resize or a corrupted screen.
    public func invalidate() {
        previous = nil
    }

    /// Sends the cells of `frame` that differ from the frame on screen, then refreshes.
    public func draw(_ frame: ScreenBuffer) {
        let screen = spendtop_stdscr()
        let full = previous == nil || previous?.width != frame.width || previous?.height != frame.height
        if full {
            werase(screen)
            clearok(screen, true)
        }
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                let cell = frame[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                if cell.isContinuation {
                    // The wide character to the left draws this column; redraw it if it did not change.
                    if x > 0, !full, let previous, previous[x - 1, y] == frame[x - 1, y] {
                        put(frame[x - 1, y], x: x - 1, y: y, screen: screen)
                    }
                    continue
                }
                put(cell, x: x, y: y, screen: screen)
            }
        }
        wnoutrefresh(screen)
        doupdate()
        previous = frame
    }

    /// Waits up to `timeoutMilliseconds` for a key and returns it, or nil when none came or a
    /// signal cut the wait short. A resize also updates ``width`` and ``height``.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        let screen = spendtop_stdscr()
        wtimeout(screen, timeoutMilliseconds)
        var value: wint_t = 0
        let status = wget_wch(screen, &value)
        let key: Key
        switch status {
        case KEY_CODE_YES:
            key = Key(cursesKeyCode: Int32(value))
        case OK:
            key = Key(cursesCharacter: UInt32(value))
        default:
            return nil
        }
        if key == .resize {
            width = Int(spendtop_getmaxx(screen))
            height = Int(spendtop_getmaxy(screen))
            previous = nil
        }
        return key
    }

    // MARK: Cells

    private func put(_ cell: Cell, x: Int, y: Int, screen: UnsafeMutablePointer<WINDOW>?) {
        let style = attributesByRole[cell.role] ?? (attributes: 0, pair: 0)
        var attributes = style.attributes
        if cell.attributes.contains(.bold) { attributes |= spendtop_attr_bold() }
        if cell.attributes.contains(.underline) { attributes |= spendtop_attr_underline() }
        if cell.attributes.contains(.reverse) { attributes |= spendtop_attr_reverse() }
        if cell.attributes.contains(.dim) { attributes |= spendtop_attr_dim() }
        // setcchar takes one spacing character and up to four combining ones, zero-terminated.
        var characters: [wchar_t] = cell.character.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        characters.append(0)
        var complex = cchar_t()
        setcchar(&complex, characters, attributes, style.pair, nil)
        // Writing the bottom-right cell returns ERR because the cursor cannot move past it,
        // but the cell is drawn, so the status is ignored.
        mvwadd_wch(screen, Int32(y), Int32(x), &complex)
    }

    // MARK: Colours

    /// Returns the colour depth: none under NO_COLOR or without colour support, else from terminfo's
    /// colour count. Call it after `start_color`, which sets that count.
    ///
    /// - Note: A terminal that sets COLORTERM=truecolor but whose terminfo entry has 256 colours
    ///   (xterm-256color) gets the nearest of the 256, because ncurses can only send the colours
    ///   that terminfo describes. TERM=xterm-direct gives 24-bit colour.
    static func detectColorDepth(environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        guard has_colors() else { return .none }
        let colors = spendtop_colors()
        if colors >= 0x100_0000 { return .trueColor }
        if colors >= 256 { return .palette256 }
        if colors >= 8 { return .eight }
        return .none
    }

    private func defineColorPairs() {
        attributesByRole = [:]
        for (index, role) in Role.allCases.enumerated() {
            let style = theme.effectiveStyle(for: role, depth: colorDepth)
            var attributes: attr_t = 0
            if style.attributes.contains(.bold) { attributes |= spendtop_attr_bold() }
            if style.attributes.contains(.underline) { attributes |= spendtop_attr_underline() }
            if style.attributes.contains(.reverse) { attributes |= spendtop_attr_reverse() }
            if style.attributes.contains(.dim) { attributes |= spendtop_attr_dim() }
            var pair: Int16 = 0
            if colorDepth != .none && Int32(index + 1) < spendtop_color_pairs() {
                pair = Int16(index + 1)
                let foreground = colorNumber(style.foreground, isForeground: true)
                let background = colorNumber(style.background, isForeground: false)
                init_extended_pair(Int32(pair), foreground, background)
            }
            attributesByRole[role] = (attributes, pair)
        }
    }

    /// Returns the curses colour number of `color`, already reduced to ``colorDepth``.
    private func colorNumber(_ color: TerminalColor, isForeground: Bool) -> Int32 {
        switch color {
        case .terminalDefault:
            if hasDefaultColors { return -1 }
            return isForeground ? 7 : 0
        case .indexed(let index):
            // A direct-colour terminal reads numbers from 8 up as RGB values, so other palette
            // entries are sent as their RGB equivalent.
            if colorDepth == .trueColor && index >= 8 {
                let (red, green, blue) = TerminalColor.components(ofIndex: index)
                return Int32(red) << 16 | Int32(green) << 8 | Int32(blue)
            }
            return Int32(index)
        case .rgb(let red, let green, let blue):
            return Int32(red) << 16 | Int32(green) << 8 | Int32(blue)
        }
    }

    /// Stops in debug builds if the key codes the dashboard decodes differ from this curses.h.
    private static func checkKeyCodes() {
        assert(CursesKeyCode.up == KEY_UP)
        assert(CursesKeyCode.down == KEY_DOWN)
        assert(CursesKeyCode.left == KEY_LEFT)
        assert(CursesKeyCode.right == KEY_RIGHT)
        assert(CursesKeyCode.backTab == KEY_BTAB)
        assert(CursesKeyCode.resize == KEY_RESIZE)
        assert(CursesKeyCode.backspace == KEY_BACKSPACE)
        assert(CursesKeyCode.enter == KEY_ENTER)
        assert(CursesKeyCode.pageUp == KEY_PPAGE)
        assert(CursesKeyCode.pageDown == KEY_NPAGE)
        assert(CursesKeyCode.home == KEY_HOME)
        assert(CursesKeyCode.end == KEY_END)
        assert(CursesKeyCode.delete == KEY_DC)
    }
}
