import Foundation
import SpendAggregation
import SpendDashboard
import SpendEvents
import SpendKafka

/// The options of `spendtop report` that do not concern the Kafka source.
struct ReportOptions {
    enum Format: String {
        case table, json, csv, screen
    }

    var file: String?
    var kafka = KafkaSourceOptions()
    var usesKafka = false
    /// True when `--from` was given; a report from Kafka starts at the earliest offset otherwise.
    var fromGiven = false
    var view = ViewOptions()
    var width = 200
    var height = 60
    var color = false
    var nowMilliseconds: Int64?
    var format = Format.table
    var top: Int?
    var limits = EngineLimitOptions()
    var logPath: String?
    var debug = false

    static let help = """
        usage: spendtop report --file PATH|- | -b HOST:PORT [KAFKA] [--window W] [--filter EXPR] [--now TIME]
                               [--format table|json|csv|screen] [--top N]
                               [--width N --height N] [--color]

        Reads every message of the source, then prints the totals per provider, model,
        service, organization, user and request type. From Kafka it reads up to the high
        watermarks seen at start (--until-end is implied), by default from the earliest
        retained offset.

          --file PATH|-        JSON lines, one message value per line (as `kcat -C -e` prints
                               them); - reads standard input.
          --window W           1m, 5m, 15m, 1h, 24h or all (default all).
          --filter EXPR        e.g. 'org=acme provider!=openai model~sonnet cached=false';
                               fields org, provider, model, service, user, type, cached.
          --now TIME           end of the window, as RFC 3339 (2026-02-09T09:00:00Z) or
                               @epoch_ms; default the newest accepted event time.
          --format F           table (default), json, csv, or screen: the dashboard as the
                               terminal would show it, as plain text (ANSI colour with --color),
                               --width by --height characters (default 200x60).
          --top N              rows per dimension; default 10 in the table, all in JSON and CSV.
          --redact             show user ids as user# and a hash of the id, as the dashboard
                               does with --redact.
          -b HOST:PORT         read Kafka instead of a file; the Kafka options are below.
          --log-file PATH      write the log there (mode 0600); --debug adds each skipped
                               message with the field at fault.

        Limits:
        \(EngineLimitOptions.help)

        Kafka:
        \(kafkaSourceOptionsHelp)
        """

    /// Parses the report options; throws ``UsageError`` with the fix for anything unknown or malformed.
    static func parse(_ arguments: [String]) throws -> ReportOptions {
        var options = ReportOptions()
        var reader = ArgumentReader(arguments)
        while let argument = reader.next() {
            let name = ArgumentReader.name(of: argument)
            switch name {
            case "--file", "-f":
                options.file = try reader.value(for: argument)
            case "--width":
                options.width = try ArgumentReader.positiveInteger(try reader.value(for: argument), option: "--width")
            case "--height":
                options.height = try ArgumentReader.positiveInteger(try reader.value(for: argument), option: "--height")
            case "--color":
                options.color = true
            case "--now":
                options.nowMilliseconds = try parseTime(try reader.value(for: argument), option: "--now")
            case "--format":
                let text = try reader.value(for: argument)
                guard let format = Format(rawValue: text) else {
                    throw UsageError(message: "unknown format '\(text)'; use table, json, csv or screen.")
                }
                options.format = format
            case "--top":
                options.top = try ArgumentReader.positiveInteger(try reader.value(for: argument), option: "--top")
            case "--log-file":
                options.logPath = try reader.value(for: argument)
            case "--debug":
                options.debug = true
            default:
                if try options.limits.consume(option: argument, reader: &reader) { continue }
                if try options.kafka.consume(option: argument, reader: &reader) {
                    options.usesKafka = true
                    if ArgumentReader.name(of: argument) == "--from" { options.fromGiven = true }
                    continue
                }
                guard try options.view.consume(option: argument, reader: &reader) else {
                    throw UsageError(message: "unknown option '\(argument)' for report; see `spendtop report --help`.")
                }
            }
        }
        return options
    }
}

/// Parses RFC 3339 or `@epoch_ms` into Unix milliseconds.
func parseTime(_ text: String, option: String) throws -> Int64 {
    if text.hasPrefix("@"), let milliseconds = Int64(text.dropFirst()) {
        return milliseconds
    }
    if let milliseconds = Timestamps.parseMilliseconds(text) {
        return milliseconds
    }
    throw UsageError(message: "\(option) takes an RFC 3339 time such as 2026-02-09T09:00:00Z or @epoch_ms, not '\(text)'.")
}

func runReport(_ arguments: [String]) throws -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
        print(ReportOptions.help)
        return 0
    }
    let options = try ReportOptions.parse(arguments)
    if options.usesKafka && options.file != nil {
        throw UsageError(message: "report reads one source; pass either --file PATH or -b HOST:PORT, not both.")
    }
    guard options.usesKafka || options.file != nil else {
        throw UsageError(message: "report needs a source: --file PATH (or - for standard input), or -b HOST:PORT for Kafka.")
    }
    let log = try LogFile(path: options.logPath, debug: options.debug)
    var configuration = options.limits.configuration()
    if options.nowMilliseconds != nil {
        configuration.clockFollowsEvents = false
    }
    let engine = SpendEngine(configuration: configuration)
    if let now = options.nowMilliseconds {
        engine.advanceClock(toMilliseconds: now)
    }
    let sourceText: String
    if let path = options.file {
        try readFile(path, into: engine, maxMessageBytes: options.limits.maxMessageBytes, log: log)
        sourceText = "file \(path)"
    } else {
        sourceText = try readKafkaToEnd(options.kafka, fromGiven: options.fromGiven, into: engine, log: log, logPath: options.logPath)
    }

    let end = options.nowMilliseconds.map { floorDivide($0, 1000) } ?? engine.clockSeconds
    let endSeconds = end == Int64.min ? 0 : end
    let window = options.view.window ?? .all
    let output: String
    if options.format == .screen {
        output = try renderScreen(engine: engine, options: options, window: window, endSeconds: endSeconds, source: sourceText)
        FileHandle.standardOutput.write(Data(output.utf8))
        return 0
    }
    var result = engine.query(window: window, filter: options.view.filter, endSeconds: endSeconds)
    if options.view.redactsUsers {
        result = redactingUsers(result)
    }
    switch options.format {
    case .screen: output = ""
    case .json:
        // The JSON of a large report is tens of megabytes, so its bytes go out unconverted.
        let bytes = ReportFormat.jsonBytes(result, top: options.top)
        bytes.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) }
        return 0
    case .csv: output = ReportFormat.csv(result, top: options.top)
    case .table: output = ReportFormat.table(result, top: options.top ?? 10)
    }
    FileHandle.standardOutput.write(Data(output.utf8))
    return 0
}

/// Returns `result` with each user key replaced by `user#` and a hash of it (`--redact`), the
/// scheme the dashboard uses, so the same user has the same name on screen and in a report.
/// The `(other)` row of folded users is not a user id, so it stays as it is.
func redactingUsers(_ result: QueryResult) -> QueryResult {
    var redacted = result
    redacted.rows[.user] = result.rows[.user]?.map { row in
        var row = row
        if let key = row.key, key != "(other)" {
            row.key = PaneRows.redacted(key)
        }
        return row
    }
    redacted.filter = PaneRows.redactedFilter(result.filter)
    return redacted
}

/// Feeds every line of `path` (or standard input for `-`) to `engine`, logging skipped messages.
func readFile(_ path: String, into engine: SpendEngine, maxMessageBytes: Int, log: LogFile) throws {
    let descriptor: Int32 = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw RuntimeFailure(message: "cannot open \(path): \(String(cString: strerror(errno))).")
    }
    defer { if path != "-" { close(descriptor) } }
    let wallClock = Int64(Date().timeIntervalSince1970 * 1000)
    var reader = LineReader(descriptor: descriptor, maxLineBytes: maxMessageBytes)
    var lineNumber = 0
    try reader.forEachLine { line in
        lineNumber += 1
        switch line {
        case .oversized:
            ingestOversized(into: engine, log: log, origin: "line \(lineNumber)")
        case .message(let bytes):
            ingestLogged(bytes, topic: nil, into: engine, wallClock: wallClock, log: log, origin: "line \(lineNumber)")
        }
    }
}

/// Renders the dashboard frame that a terminal of the requested size would show, as text.
func renderScreen(engine: SpendEngine, options: ReportOptions, window: WindowLength, endSeconds: Int64, source: String) throws -> String {
    let (catalog, themeIndex) = try options.view.themeCatalog()
    var view = ViewState(window: window, filter: options.view.filter.text, timeZone: options.view.timeZone,
                         themeIndex: themeIndex, themeCount: catalog.themes.count)
    view.focusedPane = .provider
    let builder = DashboardDataBuilder(budgets: options.view.budgets)
    let freshness = SourceFreshness(connection: "finished", health: .connected, lag: nil, description: source)
    let data = builder.build(engine: engine, view: view, nowMilliseconds: endSeconds * 1000, source: freshness, eventsPerSecond: 0)
    var controller = DashboardController(state: view, redactsUsers: options.view.redactsUsers)
    controller.update(data: data)
    let frame = DashboardRenderer.render(data: data, view: controller.state, width: options.width, height: options.height, options: options.view.renderOptions)
    if options.color {
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TextRenderer.ansiText(frame, theme: catalog.themes[themeIndex], depth: noColor ? .none : .palette256)
    }
    return TextRenderer.plainText(frame)
}

/// Reads Kafka from the start position up to the high watermarks seen at start, feeding `engine`.
///
/// librdkafka's log goes to the same log file. An unreachable broker is reported on stderr as
/// soon as librdkafka reports it, and again when the reason changes (up to three lines), and
/// after `--connect-timeout` without a connection the read fails with the last reason.
/// Returns the source's description for the report.
func readKafkaToEnd(_ kafkaOptions: KafkaSourceOptions, fromGiven: Bool, into engine: SpendEngine, log: LogFile, logPath: String?) throws -> String {
    var options = kafkaOptions
    try options.validate()
    options.untilEnd = true
    if !fromGiven {
        options.startPosition = .earliest
    }
    if options.logFilePath == nil { options.logFilePath = logPath }
    let feed = try KafkaFeed(options: options)
    defer { feed.stop() }
    if let start = feed.source.requestedStartTimeMs {
        engine.ignoreEvents(before: start)
    }
    let started = Date()
    var connected = false
    var reportedReasons: [String] = []
    // The time a broker that was reached went away, nil while connected.
    var lostSince: Date?
    var messagesRead = 0
    /// Reports a broker lost mid-read on stderr, and throws once it has been gone for `--connect-timeout`.
    /// A report must not wait for ever, nor print totals that stop short of the end offsets.
    func noteLost(since lostSince: inout Date?, reason: String?) throws {
        let because = reason.map { ": \($0)" } ?? ""
        guard let since = lostSince else {
            lostSince = Date()
            printError("spendtop: lost the Kafka broker for \(feed.freshness().description) after \(messagesRead) messages\(because); waiting up to \(Int(options.connectTimeoutSeconds)) s for it to return.")
            log.log(.error, "broker lost", ["error": reason ?? "no connection", "messages": String(messagesRead)])
            return
        }
        if Date().timeIntervalSince(since) > options.connectTimeoutSeconds {
            throw RuntimeFailure(message: "the Kafka broker for \(feed.freshness().description) went away after \(messagesRead) messages and did not return within \(Int(options.connectTimeoutSeconds)) s\(because); no report was printed because it would stop short of the end offsets. Run it again when the broker is back, or raise --connect-timeout.")
        }
    }
    while true {
        guard let batch = feed.nextBatch(timeout: 0.2) else { break }
        let wallClock = Int64(Date().timeIntervalSince1970 * 1000)
        messagesRead += batch.count
        batch.forEach { topic, value in
            guard let value else { return }
            ingestLogged(value, topic: topic, into: engine, wallClock: wallClock, log: log, origin: topic ?? "kafka")
        }
        let status = feed.source.status
        switch status.connection {
        case .connected:
            if lostSince != nil {
                printError("spendtop: the Kafka broker for \(feed.freshness().description) is back; reading on.")
                log.log(.info, "broker back", [:])
                lostSince = nil
            }
            connected = true
        case .down(let text):
            if !connected && reportedReasons.last != text && reportedReasons.count < 3 {
                printError("spendtop: cannot reach the Kafka broker for \(feed.freshness().description): \(text); retrying for up to \(Int(options.connectTimeoutSeconds)) s.")
                log.log(.error, "broker unreachable", ["error": text])
                reportedReasons.append(text)
            }
            if connected { try noteLost(since: &lostSince, reason: text) }
        case .connecting:
            if connected { try noteLost(since: &lostSince, reason: nil) }
        }
        if let message = status.missingTopicsMessage, connected {
            throw RuntimeFailure(message: message + ".")
        }
        if !connected && Date().timeIntervalSince(started) > options.connectTimeoutSeconds {
            var reason = ""
            if case .down(let text) = status.connection {
                reason = " (\(text))"
            }
            throw RuntimeFailure(message: "no Kafka broker responded within \(Int(options.connectTimeoutSeconds)) s for \(feed.freshness().description)\(reason); check -b and the -X security properties, or raise --connect-timeout.")
        }
    }
    return "kafka " + feed.freshness().description

}
