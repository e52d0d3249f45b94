import Foundation
import SpendAggregation
import SpendDashboard
import SpendEvents
import SpendTerminal

/// Runs the dashboard's terminal loop on made-up data, to look at the screen before the engine
/// is wired in: `spendtop preview [--ascii] [--redact] [--theme NAME]`. Not in the help text.
func runPreview(_ args: [String]) throws -> Int32 {
    var reader = ArgumentReader(args)
    var options = RenderOptions()
    var themeName: String?
    while let argument = reader.next() {
        switch ArgumentReader.name(of: argument) {
        case "--ascii": options.glyphs = .ascii
        case "--redact": options.redactsUsers = true
        case "--theme": themeName = try reader.value(for: argument)
        default: throw UsageError(message: "unknown option '\(argument)' for preview; the options are --ascii, --redact and --theme NAME.")
        }
    }

    let environment = ProcessInfo.processInfo.environment
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let catalog = ThemeCatalog(directories: ThemeCatalog.searchDirectories(
        environment: environment, executablePath: executable, currentDirectory: FileManager.default.currentDirectoryPath
    ))
    var themeIndex = 0
    if let themeName {
        guard let index = catalog.index(of: themeName) else {
            throw UsageError(message: "theme '\(themeName)' not found; the themes are \(catalog.themes.map(\.name).joined(separator: ", ")).")
        }
        themeIndex = index
    }

    var controller = DashboardController(
        state: ViewState(themeIndex: themeIndex, themeCount: catalog.themes.count),
        redactsUsers: options.redactsUsers,
        validateFilter: PreviewSample.validate
    )
    TerminationSignals.install()
    let terminal: Terminal
    do {
        terminal = try Terminal(theme: catalog.themes[themeIndex], environment: environment)
    } catch {
        throw RuntimeFailure(message: error.description)
    }
    defer { terminal.restore() }

    var frozenData: DashboardData?
    var frozenSinceMs: Int64 = 0
    while true {
        if let signalNumber = TerminationSignals.received {
            return TerminationSignals.exitStatus(for: signalNumber)
        }
        let nowMs = Int64(Date().timeIntervalSince1970 * 1_000)
        var data = frozenData ?? PreviewSample.data(nowMs: nowMs, view: controller.state)
        if frozenData != nil {
            data.frozen = FrozenBadge(sinceMs: frozenSinceMs, eventsSince: (nowMs - frozenSinceMs) / 25)
        }
        controller.update(data: data)
        let frame = DashboardRenderer.render(data: data, view: controller.state, width: terminal.width, height: terminal.height, options: options)
        terminal.draw(frame)

        guard let key = terminal.readKey(timeoutMilliseconds: 1_000) else { continue }
        switch controller.handle(key) {
        case .quit:
            return 0
        case .setTheme(let index):
            terminal.setTheme(catalog.themes[index])
        case .setFrozen(let frozen):
            frozenData = frozen ? data : nil
            frozenSinceMs = nowMs
        case .snapshot:
            let stamp = SnapshotStamp(timeMs: nowMs, timeZone: controller.state.timeZone, window: controller.state.window.rawValue, filter: controller.state.filter, source: "preview sample")
            let base = FileManager.default.temporaryDirectory.appendingPathComponent(stamp.fileBaseName).path
            try Snapshot.plainText(frame, stamp: stamp).write(toFile: base + ".txt", atomically: true, encoding: .utf8)
            try Snapshot.ansiText(frame, stamp: stamp, theme: catalog.themes[controller.state.themeIndex], depth: terminal.colorDepth)
                .write(toFile: base + ".ans", atomically: true, encoding: .utf8)
        case .setFilter, .setWindow, .setTimeZone, nil:
            break
        }
    }
}

/// Made-up dashboard data that moves a little every second.
enum PreviewSample {
    /// Accepts filters of `field=value`, `field!=value` and `field~value` terms; a stand-in
    /// for the real filter parser.
    static let validate: @Sendable (String) -> String? = { text in
        for word in text.split(separator: " ") where !["and", "or", "not"].contains(word.lowercased()) {
            let term = word.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            guard term.contains("=") || term.contains("~") else {
                return "invalid filter term '\(term)': expected field=value, field!=value or field~value."
            }
        }
        return nil
    }

    static func data(nowMs: Int64, view: ViewState) -> DashboardData {
        let second = nowMs / 1_000
        let wobble = Int64((second % 7) * 130_000)
        func row(_ key: String?, _ dollars: Double, _ requests: Int64, _ p95: Int64) -> ReportRow {
            ReportRow(
                key: key, requests: requests, spend: Money(micros: Int64(dollars * 1_000_000) + wobble),
                cacheHits: requests / 5, cacheSavings: Money(micros: Int64(dollars * 150_000)),
                latency: LatencySummary(p50: p95 / 3, p90: p95 * 4 / 5, p95: p95, p99: p95 * 2, max: p95 * 3)
            )
        }
        let organizations = ["acme", "Acme Labs", "globex", "initech", "umbrella", "hooli", "stark-industries", "wayne-enterprises", "wonka", "tyrell", "cyberdyne", "soylent", "aperture", "black-mesa", "massive-dynamic", "vandelay", "pied-piper", "oscorp", "dunder-mifflin", "gringotts", "monsters-inc", "nakatomi", "weyland-yutani", "octan", "東京商事"]
        let organizationRows = organizations.prefix(12).enumerated().map { index, name -> ReportRow in
            let share = Double(index + 1)
            return row(name, 400.0 / share, Int64(12_000 / (index + 1)), Int64(800 + index * 150))
        }
        let userRows = (1...30).map { index -> ReportRow in
            let name = "user-\(1_000 + index)@example.com"
            return row(name, 90.0 / Double(index), Int64(3_000 / index), Int64(700 + index * 40))
        }
        var rows: [SpendAggregation.Dimension: [ReportRow]] = [:]
        rows[.provider] = [row("anthropic", 812.40, 41_230, 2_400), row("openai", 402.10, 30_120, 1_800), row("google", 88.25, 9_020, 1_100), row(nil, 1.20, 40, 300)]
        rows[.model] = [row("claude-sonnet-4", 610.00, 25_000, 2_600), row("gpt-4o", 350.00, 20_000, 1_900), row("claude-haiku-3-5", 202.40, 16_230, 900), row("gemini-1.5-pro", 88.25, 9_020, 1_100), row("gpt-4o-mini", 52.10, 10_120, 700)]
        rows[.service] = [row("cj_assessment_service", 700.00, 30_000, 2_200), row("essay_scoring", 420.00, 25_000, 2_000), row("chat_frontend", 183.95, 25_410, 1_400)]
        rows[.organization] = organizationRows
        rows[.user] = userRows
        var counts = IngestCounts()
        counts.messages = 80_550 + second % 100
        counts.events = 80_410
        counts.duplicates = 12
        counts.late = 3
        counts.skipped = [.notJSON: 2, .otherEventType: 120, .invalid: 6]
        let total = row(nil, 1_303.95, 80_410, 2_100)
        let result = QueryResult(window: view.window, start: second - (view.window.seconds ?? 86_400), end: second, filter: view.filter, counts: counts, total: total, rows: rows)
        let timeline = (0..<180).map { index -> Money in
            let phase = Double((Int64(index) + second / 10) % 40) / 40 * 2 * Double.pi
            return Money(micros: Int64((3.0 + 2.0 * sin(phase) + (index > 160 ? 4.0 : 0)) * 1_000_000))
        }
        let tail = (0..<40).map { index -> TailLine in
            let model = ["claude-sonnet-4", "gpt-4o", "claude-haiku-3-5", "gemini-1.5-pro"][(index + Int(second)) % 4]
            return TailLine(
                timeMs: nowMs - Int64(index) * 730, provider: model.hasPrefix("claude") ? "anthropic" : model.hasPrefix("gpt") ? "openai" : "google",
                model: model, organization: organizations[(index * 7 + Int(second)) % organizations.count], user: "user-\(1_000 + index % 30)@example.com",
                cost: Money(micros: Int64(1_200 + index * 997 % 40_000)), latencyMs: Int64(300 + index * 137 % 4_000), cached: index % 6 == 0
            )
        }
        let budgets = [
            BudgetStatus(scope: "total", spent: Money(micros: 1_303_950_000), limit: Money(micros: 2_000_000_000), period: "day", burnRatePerMinute: Money(micros: 4_120_000), projectedExhaustion: 9_840),
            BudgetStatus(scope: "org:acme", spent: Money(micros: 56_200_000), limit: Money(micros: 50_000_000), period: "day", burnRatePerMinute: Money(micros: 310_000), projectedExhaustion: nil),
            BudgetStatus(scope: "org:globex", spent: Money(micros: 41_000_000), limit: Money(micros: 50_000_000), period: "day", burnRatePerMinute: Money(micros: 120_000), projectedExhaustion: 4_500),
            BudgetStatus(scope: "provider:openai", spent: Money(micros: 40_210_000), limit: Money(micros: 200_000_000), period: "hour", burnRatePerMinute: Money(micros: 1_500_000), projectedExhaustion: nil),
        ]
        return DashboardData(
            result: result,
            freshness: Freshness(eventsPerSecond: 41.2, lag: 17 + second % 5, newestEventAgeSeconds: 0.4, connection: "connected", health: .connected, source: "localhost:9092 cost-tracking"),
            rates: SpendRates(burnPerMinute: Money(micros: 4_120_000), projectedEndOfHour: Money(micros: 250_400_000), projectedEndOfDay: Money(micros: 5_912_000_000), requestsPerSecond: 38.7),
            nowMs: nowMs, localOffsetSeconds: TimeZone.current.secondsFromGMT(),
            timeline: timeline, timelineBucketSeconds: 60, tail: tail, budgets: budgets, organizations: organizations
        )
    }
}
