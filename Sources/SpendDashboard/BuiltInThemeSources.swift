/// The four themes shipped in `Themes/`, built in so the dashboard has colours when no theme
/// file is found. The text of each is the same as its file.
enum BuiltInThemeSources {
    static let all: [(name: String, text: String)] = [
        ("dark", """
            # spendtop's default theme: light text on the terminal's own dark background.
            #
            # Each line sets one role: role = FOREGROUND [on BACKGROUND] [bold] [underline] [reverse] [dim]
            # A colour is default (the terminal's own), a name (black, red, green, yellow, blue, magenta,
            # cyan, white, or bright-red and so on), a palette index 0-255, or #rrggbb. Terminals with
            # fewer colours show the nearest one they have.
            name = dark

            # Plain text, such as numbers in the panes.
            normal = default
            # The top line of the screen.
            title = bright-white on blue bold
            # Column headings.
            header = bright-cyan bold
            # Pane borders, and the border of the pane that has the keyboard focus.
            border = 244
            focused-border = bright-yellow bold
            # The selected row of the focused pane.
            selection = black on cyan bold
            # Severity: within limits, near a limit, over a limit.
            good = green
            warn = yellow bold
            bad = bright-red bold
            # Labels and secondary text.
            dim = 245
            # The key list at the bottom of the screen.
            key-hint = black on 250
            # Error lines, such as an invalid filter.
            error = bright-white on red bold
            """),
        ("light", """
            # A theme for terminals with a light background: dark text, deeper colours.
            #
            # Each line sets one role: role = FOREGROUND [on BACKGROUND] [bold] [underline] [reverse] [dim]
            # A colour is default, a name (red, bright-red, ...), a palette index 0-255, or #rrggbb.
            name = light

            normal = default
            title = white on 25 bold
            header = 25 bold
            border = 246
            focused-border = 166 bold
            selection = white on 31 bold
            good = 28
            warn = 130 bold
            bad = 160 bold
            dim = 242
            key-hint = black on 253
            error = white on 160 bold
            """),
        ("high-contrast", """
            # A high-contrast theme: bright colours on black, bold severity and a reversed selection.
            #
            # Each line sets one role: role = FOREGROUND [on BACKGROUND] [bold] [underline] [reverse] [dim]
            # A colour is default, a name (red, bright-red, ...), a palette index 0-255, or #rrggbb.
            name = high-contrast

            normal = bright-white on black
            title = black on bright-yellow bold
            header = bright-yellow on black bold underline
            border = bright-white on black
            focused-border = bright-yellow on black bold
            selection = black on bright-white bold
            good = bright-green on black bold
            warn = bright-yellow on black bold
            bad = bright-red on black bold underline
            dim = white on black
            key-hint = black on bright-cyan
            error = bright-white on red bold
            """),
        ("monochrome", """
            # A theme without colour: attributes only, for monochrome terminals and NO_COLOR.
            # Severity still shows as glyphs next to the values (▲ over a limit, ! near it).
            #
            # Each line sets one role: role = FOREGROUND [on BACKGROUND] [bold] [underline] [reverse] [dim]
            name = monochrome

            normal = default
            title = default bold reverse
            header = default bold
            border = default
            focused-border = default bold
            selection = default reverse
            good = default
            warn = default bold
            bad = default bold underline
            dim = default dim
            key-hint = default reverse
            error = default bold reverse
            """),
    ]
}
