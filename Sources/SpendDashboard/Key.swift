/// Key codes that ncurses returns from `get_wch` with `KEY_CODE_YES`, as defined in
/// `<curses.h>` of ncurses 6. The terminal module checks them against the header's values.
public enum CursesKeyCode {
    public static let down: Int32 = 0o402
    public static let up: Int32 = 0o403
    public static let left: Int32 = 0o404
    public static let right: Int32 = 0o405
    public static let home: Int32 = 0o406
    public static let backspace: Int32 = 0o407
    public static let delete: Int32 = 0o512
    public static let pageDown: Int32 = 0o522
    public static let pageUp: Int32 = 0o523
    public static let enter: Int32 = 0o527
    public static let backTab: Int32 = 0o541
    public static let end: Int32 = 0o550
    public static let resize: Int32 = 0o632
}

extension Key {
    /// Decodes a curses key code (`get_wch` returned `KEY_CODE_YES`).
    public init(cursesKeyCode code: Int32) {
        switch code {
        case CursesKeyCode.up: self = .up
        case CursesKeyCode.down: self = .down
        case CursesKeyCode.left: self = .left
        case CursesKeyCode.right: self = .right
        case CursesKeyCode.home: self = .home
        case CursesKeyCode.end: self = .end
        case CursesKeyCode.pageUp: self = .pageUp
        case CursesKeyCode.pageDown: self = .pageDown
        case CursesKeyCode.backspace: self = .backspace
        case CursesKeyCode.delete: self = .delete
        case CursesKeyCode.enter: self = .enter
        case CursesKeyCode.backTab: self = .backTab
        case CursesKeyCode.resize: self = .resize
        default: self = .other(code)
        }
    }

    /// Decodes a character that `get_wch` returned (`OK`): Tab, Enter, Backspace (DEL or
    /// Ctrl-H) and Esc get their own cases, other characters are `.character`.
    public init(cursesCharacter value: UInt32) {
        switch value {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 8, 127: self = .backspace
        case 27: self = .escape
        default:
            if let scalar = Unicode.Scalar(value) {
                self = .character(Character(scalar))
            } else {
                self = .other(Int32(truncatingIfNeeded: value))
            }
        }
    }
}
