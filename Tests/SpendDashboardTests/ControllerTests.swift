import SpendAggregation
import SpendDashboard
import Testing

/// Key sequences through ``DashboardController`` without a terminal.
@Suite struct ControllerTests {
    static func controller(redactsUsers: Bool = false) -> DashboardController {
        var controller = DashboardController(
            state: ViewState(themeCount: 4), redactsUsers: redactsUsers,
            validateFilter: { text in text.contains("bogus") ? "invalid filter term 'bogus'; expected field=value." : nil }
        )
        controller.update(data: Sample.data)
        return controller
    }

    /// Handles every key and returns the commands in order, nil for keys without one.
    static func press(_ keys: [Key], on controller: inout DashboardController) -> [Command?] {
        keys.map { controller.handle($0) }
    }

    static func type(_ text: String) -> [Key] {
        text.map { Key.character($0) }
    }

    @Test func tabCyclesPanes() {
        var controller = Self.controller()
        _ = Self.press([.tab, .tab], on: &controller)
        #expect(controller.state.focusedPane == .service)
        _ = Self.press([.backTab, .backTab, .backTab], on: &controller)
        #expect(controller.state.focusedPane == .budgets)
    }

    @Test func drillDownAndBack() {
        var controller = Self.controller()
        let commands = Self.press([.down, .enter, .tab, .character("j"), .character("j"), .enter], on: &controller)
        #expect(commands[1] == .setFilter("provider=openai"))
        #expect(commands[5] == .setFilter("provider=openai model=claude-haiku-3-5"))
        #expect(controller.state.filterHistory == ["", "provider=openai"])

        #expect(controller.handle(.backspace) == .setFilter("provider=openai"))
        #expect(controller.handle(.backspace) == .setFilter(""))
        #expect(controller.handle(.backspace) == nil)
        #expect(controller.state.notice == "No earlier filter to go back to.")
    }

    @Test func drillQuotesValues() {
        var controller = Self.controller()
        controller.state.focusedPane = .organization
        controller.state.selection[.organization] = 2
        #expect(controller.handle(.enter) == .setFilter("org=\"Acme Labs\""))
    }

    @Test func drillOnRowWithoutKey() {
        var controller = Self.controller()
        controller.state.focusedPane = .organization
        _ = Self.press([.end], on: &controller)
        #expect(controller.state.selectedRow(in: .organization) == 4)
        #expect(controller.handle(.enter) == nil)
        #expect(controller.state.notice == "This row has no value to filter by.")
        #expect(controller.state.filter == "")
    }

    @Test func drillWrapsFilterWithOr() {
        var controller = Self.controller()
        controller.state.filter = "org=acme or org=globex"
        #expect(controller.handle(.enter) == .setFilter("(org=acme or org=globex) provider=anthropic"))
    }

    @Test func drillOnBudgetAndLatency() {
        var controller = Self.controller()
        controller.state.focusedPane = .budgets
        controller.state.selection[.budgets] = 1
        #expect(controller.handle(.enter) == .setFilter("org=acme"))
        controller.state.focusedPane = .latency
        controller.state.selection[.latency] = 3
        #expect(controller.handle(.enter) == .setFilter("org=acme model=claude-sonnet-4"))
    }

    @Test func redactedUsersDoNotDrill() {
        var controller = Self.controller(redactsUsers: true)
        controller.state.focusedPane = .users
        #expect(controller.handle(.enter) == nil)
        #expect(controller.state.filter == "")
        #expect(controller.state.notice == "User ids are redacted, so Enter does not filter by user.")
    }

    @Test func selectionStopsAtEnds() {
        var controller = Self.controller()
        _ = Self.press([.up, .up], on: &controller)
        #expect(controller.state.selectedRow(in: .provider) == 0)
        _ = Self.press([.down, .down, .down, .down, .pageDown], on: &controller)
        #expect(controller.state.selectedRow(in: .provider) == 2)
        _ = Self.press([.character("g")], on: &controller)
        #expect(controller.state.selectedRow(in: .provider) == 0)
    }

    @Test func filterEditorRejectsThenAccepts() {
        var controller = Self.controller()
        controller.state.filter = "org=acme"
        #expect(controller.handle(.character("/")) == nil)
        #expect(controller.state.filterEditor?.field.text == "org=acme")

        // Letters, q and ? included, go into the field instead of acting as keys.
        var commands = Self.press(Self.type(" bogus q?"), on: &controller)
        commands.append(controller.handle(.enter))
        #expect(commands.allSatisfy { $0 == nil })
        #expect(controller.state.quits == false)
        #expect(controller.state.showsHelp == false)
        #expect(controller.state.filterEditor?.error == "invalid filter term 'bogus'; expected field=value.")
        #expect(controller.state.filter == "org=acme")

        // Editing clears the error; Ctrl-U empties the field.
        _ = Self.press([.character("\u{15}")], on: &controller)
        #expect(controller.state.filterEditor?.error == nil)
        _ = Self.press(Self.type("provider=openai"), on: &controller)
        _ = Self.press([.backspace, .character("x")], on: &controller)
        #expect(controller.state.filterEditor?.field.text == "provider=openax")
        #expect(controller.handle(.enter) == .setFilter("provider=openax"))
        #expect(controller.state.filterEditor == nil)
        #expect(controller.state.filterHistory == ["org=acme"])
    }

    @Test func filterEditorEscapeKeepsFilter() {
        var controller = Self.controller()
        controller.state.filter = "org=acme"
        _ = Self.press([.character("/"), .character("x"), .escape], on: &controller)
        #expect(controller.state.filterEditor == nil)
        #expect(controller.state.filter == "org=acme")
    }

    @Test func filterEditorCursorEditing() {
        var controller = Self.controller()
        _ = Self.press([.character("/")] + Self.type("ac") + [.left, .left, .character("o"), .end, .character("!")], on: &controller)
        #expect(controller.state.filterEditor?.field.text == "oac!")
        #expect(controller.state.filterEditor?.field.cursor == 4)
    }

    @Test func organizationPickerNarrows() {
        var controller = Self.controller()
        _ = Self.press([.character("o")], on: &controller)
        #expect(controller.state.organizationPicker?.matches == ["acme", "Acme Labs", "globex", "initech", "東京商事"])
        _ = Self.press(Self.type("AC"), on: &controller)
        #expect(controller.state.organizationPicker?.matches == ["acme", "Acme Labs"])
        _ = Self.press(Self.type("me l"), on: &controller)
        #expect(controller.state.organizationPicker?.matches == ["Acme Labs"])
        _ = Self.press([.backspace, .backspace], on: &controller)
        #expect(controller.state.organizationPicker?.matches == ["acme", "Acme Labs"])
        _ = Self.press([.down], on: &controller)
        #expect(controller.handle(.enter) == .setFilter("org=\"Acme Labs\""))
        #expect(controller.state.organizationPicker == nil)
    }

    @Test func organizationPickerWithoutMatch() {
        var controller = Self.controller()
        _ = Self.press([.character("o")] + Self.type("zzz"), on: &controller)
        #expect(controller.state.organizationPicker?.matches == [])
        #expect(controller.handle(.enter) == nil)
        #expect(controller.state.notice == "No organization contains 'zzz'.")
        _ = Self.press([.escape], on: &controller)
        #expect(controller.state.organizationPicker == nil)
        #expect(controller.state.filter == "")
    }

    @Test func freezeTogglesWithFAndSpace() {
        var controller = Self.controller()
        #expect(controller.handle(.character("f")) == .setFrozen(true))
        #expect(controller.state.frozen)
        #expect(controller.handle(.character(" ")) == .setFrozen(false))
        #expect(controller.state.frozen == false)
    }

    @Test func windowKeys() {
        var controller = Self.controller()
        #expect(controller.state.window == .fiveMinutes)
        #expect(controller.handle(.character("w")) == .setWindow(.fifteenMinutes))
        #expect(controller.handle(.character("+")) == .setWindow(.oneHour))
        #expect(controller.handle(.character("+")) == .setWindow(.oneDay))
        #expect(controller.handle(.character("+")) == .setWindow(.all))
        #expect(controller.handle(.character("+")) == nil)
        #expect(controller.handle(.character("w")) == .setWindow(.oneMinute))
        #expect(controller.handle(.character("-")) == nil)
        #expect(controller.state.window == .oneMinute)
    }

    @Test func sortZoneThemeSnapshotHelp() {
        var controller = Self.controller()
        controller.state.selection[.provider] = 2
        #expect(controller.handle(.character("s")) == nil)
        #expect(controller.state.sort == .requests)
        #expect(controller.state.selectedRow(in: .provider) == 0)
        // Sorted by requests, openai (5,000) comes first.
        #expect(controller.handle(.enter) == .setFilter("provider=openai"))

        #expect(controller.handle(.character("z")) == .setTimeZone(.local))
        #expect(controller.handle(.character("z")) == .setTimeZone(.utc))
        let themes = Self.press([.character("t"), .character("t"), .character("t"), .character("t")], on: &controller)
        #expect(themes == [.setTheme(1), .setTheme(2), .setTheme(3), .setTheme(0)])
        #expect(controller.handle(.character("S")) == .snapshot)
        _ = controller.handle(.character("?"))
        #expect(controller.state.showsHelp)
        _ = controller.handle(.escape)
        #expect(controller.state.showsHelp == false)
    }

    @Test func quitFromTooSmallScreen() {
        var controller = Self.controller()
        let screen = Sample.render(controller.state, width: 40, height: 10)
        #expect(screen[0] == "terminal too small: need at least 60x16,")
        // Keys keep working on the too-small screen, and q quits from it.
        #expect(controller.handle(.character("f")) == .setFrozen(true))
        #expect(controller.handle(.character("q")) == .quit)
        #expect(controller.state.quits)
    }

    @Test func keysFromCursesCodes() {
        #expect(Key(cursesKeyCode: 0o541) == .backTab)
        #expect(Key(cursesKeyCode: 0o632) == .resize)
        #expect(Key(cursesKeyCode: 0o407) == .backspace)
        #expect(Key(cursesKeyCode: 0o403) == .up)
        #expect(Key(cursesKeyCode: 0o527) == .enter)
        #expect(Key(cursesKeyCode: 0o411) == .other(0o411))
        #expect(Key(cursesCharacter: 127) == .backspace)
        #expect(Key(cursesCharacter: 8) == .backspace)
        #expect(Key(cursesCharacter: 9) == .tab)
        #expect(Key(cursesCharacter: 13) == .enter)
        #expect(Key(cursesCharacter: 27) == .escape)
        #expect(Key(cursesCharacter: 0x6F) == .character("o"))
        #expect(Key(cursesCharacter: 0x6771) == .character("東"))
    }
}
