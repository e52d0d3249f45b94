import Foundation
import SpendDashboard
import Testing

@Suite struct ThemeTests {
    @Test func parsesEveryForm() throws {
        let text = """
            # A comment, then a blank line.

            name = sample
            normal = default
            title = bright-white on blue bold
            header = 214 underline
            focused_border = #FFaf00 bold reverse
            selection = reverse
            dim = default on 236 dim
            """
        let theme = try ThemeParser.parse(text, name: "file")
        #expect(theme.name == "sample")
        #expect(theme.style(for: .title) == Style(foreground: .indexed(15), background: .indexed(4), attributes: [.bold]))
        #expect(theme.style(for: .header) == Style(foreground: .indexed(214), attributes: [.underline]))
        #expect(theme.style(for: .focusedBorder) == Style(foreground: .rgb(255, 175, 0), attributes: [.bold, .reverse]))
        #expect(theme.style(for: .selection) == Style(attributes: [.reverse]))
        #expect(theme.style(for: .dim) == Style(background: .indexed(236), attributes: [.dim]))
        // A role the file leaves out is drawn like `normal`.
        #expect(theme.style(for: .bad) == Style())
    }

    @Test(arguments: [
        ("title bold", 1, "expected 'role = colour', but this line has no '='; write for example 'title = white on blue bold'."),
        ("titel = red", 1, "unknown role 'titel'; the roles are normal, title, header, border, focused-border, selection, good, warn, bad, dim, key-hint, error."),
        ("title = purple", 1, "unknown colour 'purple'; use default, a name (black, red, green, yellow, blue, magenta, cyan, white, optionally with 'bright-'), an index 0-255 or #rrggbb."),
        ("title = 300", 1, "colour index 300 is out of range; palette colours are 0 to 255."),
        ("title = #12345", 1, "invalid colour '#12345'; a true colour is '#' and six hex digits, as in '#ffaf00'."),
        ("title = red on", 1, "'on' needs a background colour after it, as in 'white on blue'."),
        ("title = red blink", 1, "unknown attribute 'blink'; the attributes are bold, underline, reverse and dim, and a background follows 'on'."),
        ("title =", 1, "role 'title' has no colour; write a colour such as 'default', 'red', '244' or '#ffaf00'."),
        ("# ok\ntitle = red\n\ntitle = blue", 4, "role 'title' is set twice; delete one of the two lines."),
        ("name =", 1, "the theme name is empty; write a name after 'name =' or delete the line."),
    ])
    func rejectsMistakes(text: String, line: Int, message: String) {
        #expect(throws: ThemeParseError(source: "bad.theme", line: line, message: message)) {
            try ThemeParser.parse(text, name: "bad.theme")
        }
    }

    @Test func errorDescriptionNamesFileAndLine() {
        let error = ThemeParseError(source: "dark.theme", line: 7, message: "unknown colour 'purple'.")
        #expect(error.description == "dark.theme:7: unknown colour 'purple'.")
    }

    /// The files in Themes/ are the ones users edit; the built-in copies must match them.
    @Test func shippedFilesMatchBuiltIns() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes").standardized.path
        let catalog = ThemeCatalog(directories: [folder])
        #expect(catalog.errors.isEmpty)
        #expect(catalog.themes.map(\.name) == ["dark", "light", "high-contrast", "monochrome"])
        #expect(catalog.themes == Theme.builtIns)
        for theme in catalog.themes {
            for role in Role.allCases {
                #expect(theme.styles[role] != nil, "\(theme.name) sets \(role.rawValue)")
            }
        }
    }

    @Test func catalogAddsAndReportsFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spendtop-theme-test-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "title = red\n".write(toFile: folder + "/solar.theme", atomically: true, encoding: .utf8)
        try "name = dark\ntitle = green\n".write(toFile: folder + "/mine.theme", atomically: true, encoding: .utf8)
        try "title = nope\n".write(toFile: folder + "/broken.theme", atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(directories: [folder, folder + "/missing"])
        #expect(catalog.themes.map(\.name) == ["dark", "light", "high-contrast", "monochrome", "solar"])
        #expect(catalog.themes[0].style(for: .title).foreground == .indexed(2))
        #expect(catalog.errors.map(\.line) == [1])
        #expect(catalog.errors.first?.source == folder + "/broken.theme")
    }

    @Test func searchDirectoriesInOrder() {
        let directories = ThemeCatalog.searchDirectories(
            environment: ["HOME": "/home/op"], executablePath: "/nonexistent/bin/spendtop", currentDirectory: "/work"
        )
        #expect(directories == ["/home/op/.config/spendtop/themes", "/work/Themes"])
        let withXDG = ThemeCatalog.searchDirectories(
            environment: ["HOME": "/home/op", "XDG_CONFIG_HOME": "/cfg"], executablePath: "/nonexistent/spendtop", currentDirectory: "/work"
        )
        #expect(withXDG.first == "/cfg/spendtop/themes")
    }

    @Test func colourReduction() {
        #expect(TerminalColor.rgb(255, 175, 0).reduced(to: .palette256) == .indexed(214))
        #expect(TerminalColor.rgb(255, 175, 0).reduced(to: .eight) == .indexed(3))
        #expect(TerminalColor.indexed(12).reduced(to: .eight) == .indexed(4))
        #expect(TerminalColor.indexed(240).reduced(to: .eight) == .indexed(0))
        #expect(TerminalColor.indexed(244).reduced(to: .eight) == .indexed(7))
        #expect(TerminalColor.indexed(250).reduced(to: .eight) == .indexed(7))
        #expect(TerminalColor.rgb(1, 2, 3).reduced(to: .trueColor) == .rgb(1, 2, 3))
        #expect(TerminalColor.indexed(3).reduced(to: .none) == nil)
    }

    @Test func noColourUsesMonochromeAttributes() {
        let style = Theme.dark.effectiveStyle(for: .selection, depth: .none)
        #expect(style == Style(attributes: [.reverse]))
    }

    /// Plain spaces at the end of a row are left out; every row ends with a reset.
    @Test func ansiRendering() {
        var buffer = ScreenBuffer(width: 6, height: 2)
        buffer.write("ab", x: 0, y: 0, role: .bad)
        buffer.write("c", x: 3, y: 0)
        buffer.write("東", x: 0, y: 1, role: .selection)
        let theme = Theme(name: "t", styles: [.bad: Style(foreground: .rgb(255, 0, 0), attributes: [.bold]), .selection: Style(foreground: .indexed(0), background: .indexed(14))])
        let esc = "\u{1B}"
        #expect(TextRenderer.ansiText(buffer, theme: theme, depth: .trueColor) == "\(esc)[0;1;38;2;255;0;0mab\(esc)[0m c\(esc)[0m\n\(esc)[0;30;106m東\(esc)[0m\(esc)[0m\n")
        #expect(TextRenderer.ansiText(buffer, theme: theme, depth: .palette256).hasPrefix("\(esc)[0;1;38;5;196mab"))
        #expect(TextRenderer.ansiText(buffer, theme: theme, depth: .none).hasPrefix("\(esc)[0;1;4mab"))
    }
}
