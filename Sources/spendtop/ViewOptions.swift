import Foundation
import SpendAggregation
import SpendDashboard

/// The VIEW options shared by the dashboard and `report`: window, filter, time zone, theme, budgets.
struct ViewOptions {
    var window: WindowLength?
    var filter = Filter.all
    var timeZone = TimeZoneMode.utc
    var themeName: String?
    var budgets: [BudgetSpec] = []
    var redactsUsers = false
    var ascii = false
    /// Most frequent redraw, in milliseconds.
    var refreshMilliseconds = 1_000
    var snapshotDirectory: String?

    static let help = """
          --window W            1m, 5m, 15m, 1h, 24h or all (dashboard default 5m, report default all)
          --filter EXPR         e.g. 'org=acme provider!=openai model~sonnet cached=false';
                                fields org, provider, model, service, user, type, cached
          --utc, --local        show times in UTC (default) or in the local time zone
          --theme NAME|PATH     dark (default), light, high-contrast, monochrome, or a .theme file
          --budget SCOPE=AMOUNT/PERIOD  e.g. org:acme=50/day, total=200/hour; scopes total,
                                org:NAME, provider:NAME, service:NAME; periods hour, day (UTC);
                                repeatable
          --redact              hide user ids (as user# and a hash) on screen, in snapshots
                                and in report output, the filter's user values included
          --ascii               draw with ASCII characters only
          --refresh MS          redraw at most every MS milliseconds (default 1000)
          --snapshot-dir DIR    where S writes snapshots (default the working directory)
        """

    /// Parses `option` when it is a view option; returns false, reading nothing, otherwise.
    mutating func consume(option: String, reader: inout ArgumentReader) throws -> Bool {
        switch ArgumentReader.name(of: option) {
        case "--window", "-w":
            let text = try reader.value(for: option)
            guard let window = WindowLength(rawValue: text) else {
                throw UsageError(message: "unknown window '\(text)'; use one of 1m, 5m, 15m, 1h, 24h, all.")
            }
            self.window = window
        case "--filter":
            let text = try reader.value(for: option)
            do {
                filter = try Filter.parse(text)
            } catch {
                throw UsageError(message: "invalid --filter: \(error.message)")
            }
        case "--utc":
            timeZone = .utc
        case "--local":
            timeZone = .local
        case "--theme":
            themeName = try reader.value(for: option)
        case "--budget":
            let text = try reader.value(for: option)
            do {
                budgets.append(try BudgetSpec.parse(text))
            } catch {
                throw UsageError(message: "invalid --budget: \(error.message)")
            }
        case "--redact":
            redactsUsers = true
        case "--ascii":
            ascii = true
        case "--refresh":
            refreshMilliseconds = try ArgumentReader.positiveInteger(try reader.value(for: option), option: "--refresh")
        case "--snapshot-dir":
            snapshotDirectory = try reader.value(for: option)
        default:
            return false
        }
        return true
    }

    var renderOptions: RenderOptions {
        RenderOptions(glyphs: ascii ? .ascii : .unicode, redactsUsers: redactsUsers)
    }

    /// Finds the themes and the index of the chosen one; a theme given by path is loaded and added.
    func themeCatalog() throws -> (catalog: ThemeCatalog, index: Int) {
        let environment = ProcessInfo.processInfo.environment
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var catalog = ThemeCatalog(directories: ThemeCatalog.searchDirectories(
            environment: environment, executablePath: executable, currentDirectory: FileManager.default.currentDirectoryPath
        ))
        guard let themeName else { return (catalog, catalog.index(of: "dark") ?? 0) }
        if let index = catalog.index(of: themeName) {
            return (catalog, index)
        }
        if themeName.contains("/") || themeName.hasSuffix(".theme") {
            switch ThemeCatalog.load(path: themeName) {
            case .success(let theme):
                return (catalog, catalog.insert(theme))
            case .failure(let error):
                throw UsageError(message: "invalid theme file: \(error)")
            }
        }
        throw UsageError(message: "theme '\(themeName)' not found; the themes are \(catalog.themes.map(\.name).joined(separator: ", ")), or give a path to a .theme file.")
    }
}
