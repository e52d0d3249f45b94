import Foundation
import SpendAggregation
import SpendDashboard
import SpendEvents
import SpendKafka
import SpendTerminal

/// Options of the dashboard itself: `spendtop [SOURCE] [VIEW]`.
struct DashboardOptions {
    var file: String?
    var kafka = KafkaSourceOptions()
    var usesKafka = false
    var demo = false
    /// Events per second of the demo's synthetic traffic.
    var demoRate = 40.0
    var view = ViewOptions()
    var limits = EngineLimitOptions()
    var logPath: String?
    var debug = false
    /// The file that receives the totals when the dashboard ends (`--stats-file`), for checking a long run.
    var statsPath: String?
}

/// Draws the dashboard in the terminal until `q` or a signal, ingesting from `session` meanwhile.
///
/// The terminal is restored on every way out: `q`, SIGINT, SIGTERM and SIGHUP (caught as a flag
/// that this loop checks), and a thrown error, which the caller prints once the terminal is back.
///
/// With `statsPath`, the totals of every event ingested are written there on each of those ways out.
func runDashboard(session: LiveSession, view: ViewOptions, log: LogFile, statsPath: String? = nil) throws -> Int32 {
    let (catalog, themeIndex) = try view.themeCatalog()
    for error in catalog.errors {
        log.log(.warning, "theme file skipped", ["error": "\(error)"])
    }
    var controller = DashboardController(
        state: ViewState(
            window: view.window ?? .fiveMinutes, filter: view.filter.text, timeZone: view.timeZone,
            themeIndex: themeIndex, themeCount: catalog.themes.count
        ),
        redactsUsers: view.redactsUsers,
        validateFilter: { text in
            do throws(FilterError) {
                _ = try Filter.parse(text)
                return nil
            } catch {
                return error.message
            }
        }
    )
    var builder = DashboardDataBuilder(budgets: view.budgets)
    if !session.feed.isFinite {
        builder.liveSinceMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
    }
    let environment = ProcessInfo.processInfo.environment

    TerminationSignals.install()
    let terminal: Terminal
    do {
        terminal = try Terminal(theme: catalog.themes[themeIndex], environment: environment)
    } catch {
        throw RuntimeFailure(message: error.description)
    }
    defer {
        terminal.restore()
        session.stop()
        if let statsPath {
            writeStatsFile(statsPath, session: session, log: log)
        }
    }
    session.start()
    log.log(.info, "dashboard started", ["source": session.feed.freshness().description])

    var frozen: (data: DashboardData, sinceMs: Int64, events: Int64)?
    var rate = EventRate()
    #if DEBUG
    // Nothing in the loop throws on its own, so tests of the error path set this in debug builds
    // only: the loop throws after drawing that many frames. Release builds ignore it.
    let failAfterFrames = environment["SPENDTOP_FAIL_AFTER_FRAMES"].flatMap { Int($0) }
    var framesDrawn = 0
    #endif
    while true {
        if let signalNumber = TerminationSignals.received {
            log.log(.info, "dashboard stopped by signal", ["signal": "\(signalNumber)"])
            return TerminationSignals.exitStatus(for: signalNumber)
        }
        let wallClock = Int64(Date().timeIntervalSince1970 * 1000)
        let source = session.feed.freshness()
        let (live, events) = session.withEngine { engine -> (DashboardData?, Int64) in
            let events = engine.counts.events
            guard frozen == nil else { return (nil, events) }
            let now = session.feed.isFinite ? (engine.newestEventMilliseconds ?? wallClock) : wallClock
            let perSecond = rate.update(events: events, atMilliseconds: wallClock)
            return (builder.build(engine: engine, view: controller.state, nowMilliseconds: now, source: source, eventsPerSecond: perSecond), events)
        }
        var data: DashboardData
        if let frozen {
            data = frozen.data
            data.frozen = FrozenBadge(sinceMs: frozen.sinceMs, eventsSince: events - frozen.events)
        } else {
            data = live!
        }
        controller.update(data: data)
        let frame = DashboardRenderer.render(
            data: data, view: controller.state, width: terminal.width, height: terminal.height, options: view.renderOptions
        )
        terminal.draw(frame)
        #if DEBUG
        framesDrawn += 1
        if let failAfterFrames, framesDrawn >= failAfterFrames {
            log.log(.error, "dashboard stopped by SPENDTOP_FAIL_AFTER_FRAMES", ["frames": "\(framesDrawn)"])
            throw RuntimeFailure(message: "the dashboard stopped after \(framesDrawn) frames because SPENDTOP_FAIL_AFTER_FRAMES=\(failAfterFrames) is set (a debug build's test of the error path); unset it to run normally.")
        }
        #endif

        guard let key = terminal.readKey(timeoutMilliseconds: Int32(view.refreshMilliseconds)) else { continue }
        switch controller.handle(key) {
        case .quit:
            log.log(.info, "dashboard stopped by the operator")
            return 0
        case .setFrozen(let isFrozen):
            frozen = isFrozen ? (data, wallClock, events) : nil
        case .setTheme(let index):
            terminal.setTheme(catalog.themes[index])
        case .snapshot:
            let stamp = SnapshotStamp(
                timeMs: wallClock, timeZone: controller.state.timeZone, localOffsetSeconds: data.localOffsetSeconds,
                window: controller.state.window.rawValue, filter: controller.state.filter,
                source: source.description, offsets: source.offsets
            )
            controller.state.notice = writeSnapshot(
                frame: frame, stamp: stamp, theme: catalog.themes[controller.state.themeIndex],
                depth: terminal.colorDepth, directory: view.snapshotDirectory, log: log
            )
        case .setFilter, .setWindow:
            // A new question while frozen is answered from the engine now; the badge stays.
            if let current = frozen {
                let rebuilt = session.withEngine { engine -> DashboardData in
                    builder.build(engine: engine, view: controller.state, nowMilliseconds: current.data.nowMs, source: source, eventsPerSecond: 0)
                }
                frozen = (rebuilt, current.sinceMs, current.events)
            }
        case .setTimeZone, nil:
            break
        }
    }
}

/// Writes the frame as `spendtop-<UTC time>.txt` and `.ans` (mode 0600) and returns the notice to show.
func writeSnapshot(frame: ScreenBuffer, stamp: SnapshotStamp, theme: Theme, depth: ColorDepth, directory: String?, log: LogFile) -> String {
    let folder = directory ?? FileManager.default.currentDirectoryPath
    let base = URL(fileURLWithPath: folder).appendingPathComponent(stamp.fileBaseName).path
    do {
        try writePrivateFile(base + ".txt", Snapshot.plainText(frame, stamp: stamp), fix: "pass a writable folder to --snapshot-dir")
        try writePrivateFile(base + ".ans", Snapshot.ansiText(frame, stamp: stamp, theme: theme, depth: depth == .none ? .palette256 : depth),
                             fix: "pass a writable folder to --snapshot-dir")
        log.log(.info, "snapshot written", ["path": base + ".txt"])
        return "Snapshot written to \(base).txt and .ans"
    } catch {
        log.log(.error, "snapshot failed", ["path": base, "error": "\(error)"])
        return "Snapshot failed: \(error)"
    }
}

/// Creates or replaces `path` with `text`, readable and writable by the owner only (mode 0600,
/// also set on a file that existed). `fix` ends the error message, such as "pass a writable
/// folder to --snapshot-dir".
func writePrivateFile(_ path: String, _ text: String, fix: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
        throw RuntimeFailure(message: "cannot write \(path): \(String(cString: strerror(errno))); \(fix).")
    }
    fchmod(descriptor, 0o600)
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    handle.write(Data(text.utf8))
}

/// Writes the totals of every event the session ingested, whatever the window or filter, as one
/// JSON object (mode 0600) to compare with the line that `spendtop emit` prints.
///
/// A failure is only logged, because the dashboard is already ending.
func writeStatsFile(_ path: String, session: LiveSession, log: LogFile) {
    let text = session.withEngine { engine -> String in
        let result = engine.query(window: .all)
        let counts = result.counts
        let skipped = counts.skipped.values.reduce(0, +)
        return "{\"messages\": \(counts.messages), \"events\": \(counts.events), \"duplicates\": \(counts.duplicates), "
            + "\"late\": \(counts.late), \"skipped\": \(skipped), \"spend_usd\": \(result.total.spend.decimalString), "
            + "\"cache_hits\": \(result.total.cacheHits)}\n"
    }
    do {
        try writePrivateFile(path, text, fix: "pass a writable path to --stats-file")
        log.log(.info, "stats file written", ["path": path])
    } catch let error as RuntimeFailure {
        log.log(.error, "stats file failed", ["path": path, "error": error.message])
    } catch {
        log.log(.error, "stats file failed", ["path": path, "error": "\(error)"])
    }
}

/// Events per second, smoothed over the last few seconds of samples.
struct EventRate {
    private var samples: [(milliseconds: Int64, events: Int64)] = []

    mutating func update(events: Int64, atMilliseconds now: Int64) -> Double {
        samples.append((now, events))
        samples.removeAll { now - $0.milliseconds > 5_000 }
        guard let first = samples.first, now - first.milliseconds >= 500 else { return 0 }
        return Double(events - first.events) * 1000 / Double(now - first.milliseconds)
    }
}

/// Parses `spendtop [SOURCE] [VIEW]` and runs the dashboard.
func runDashboardCommand(_ arguments: [String]) throws -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
        print(mainHelp)
        return 0
    }
    var options = DashboardOptions()
    var reader = ArgumentReader(arguments)
    while let argument = reader.next() {
        switch ArgumentReader.name(of: argument) {
        case "--file", "-f":
            options.file = try reader.value(for: argument)
        case "--log-file":
            options.logPath = try reader.value(for: argument)
        case "--debug":
            options.debug = true
        case "--stats-file":
            options.statsPath = try reader.value(for: argument)
        case "--demo":
            options.demo = true
        case "--demo-rate":
            let text = try reader.value(for: argument)
            guard let rate = Double(text), rate > 0, rate <= 100_000 else {
                throw UsageError(message: "--demo-rate takes events per second from 1 to 100000, not '\(text)'.")
            }
            options.demoRate = rate
        default:
            if try options.limits.consume(option: argument, reader: &reader) { continue }
            if try options.kafka.consume(option: argument, reader: &reader) {
                options.usesKafka = true
                continue
            }
            guard try options.view.consume(option: argument, reader: &reader) else {
                throw UsageError(message: "unknown option '\(argument)'; see `spendtop --help`.")
            }
        }
    }
    let sources = [options.file != nil, options.usesKafka && !options.demo, options.demo].filter { $0 }.count
    guard sources == 1 else {
        throw UsageError(message: sources == 0
            ? "the dashboard needs a source: -b HOST:PORT for Kafka, --file PATH, or --demo."
            : "the dashboard reads one source; pass only one of -b HOST:PORT, --file PATH and --demo.")
    }
    let log = try LogFile(path: options.logPath, debug: options.debug)
    let configuration = options.limits.configuration()

    if let file = options.file {
        let feed = try FileFeed(path: file, maxMessageBytes: options.limits.maxMessageBytes)
        let session = LiveSession(feed: feed, configuration: configuration, log: log)
        return try runDashboard(session: session, view: options.view, log: log, statsPath: options.statsPath)
    }

    var kafka = options.kafka
    if kafka.logFilePath == nil { kafka.logFilePath = options.logPath }
    var broker: EmbeddedBroker?
    var emitter: DemoEmitter?
    defer {
        emitter?.stop()
        broker?.stop()
    }
    if options.demo {
        do {
            let embedded = try EmbeddedBroker()
            broker = embedded
            kafka.brokers = embedded.bootstrapServers
            kafka.startPosition = .earliest
            let demo = try DemoEmitter(bootstrapServers: embedded.bootstrapServers, topic: KafkaSourceOptions.defaultTopic, rate: options.demoRate, log: log)
            demo.start()
            emitter = demo
            log.log(.info, "demo started", ["broker": embedded.bootstrapServers])
        } catch let error as KafkaError {
            throw RuntimeFailure(message: "the demo could not start its embedded broker: \(error.message)")
        }
    }
    try kafka.validate()
    let feed = try KafkaFeed(options: kafka)
    let session = LiveSession(
        feed: feed, configuration: configuration, log: log, ignoreBeforeMilliseconds: feed.source.requestedStartTimeMs
    )
    return try runDashboard(session: session, view: options.view, log: log, statsPath: options.statsPath)
}
