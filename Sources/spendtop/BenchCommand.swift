import Foundation
import SpendAggregation
import SpendEvents

/// The options of `spendtop bench`.
struct BenchOptions {
    var runs = 5
    var quick = false
    /// Measurements to run, by name. An empty set runs them all.
    var only: Set<String> = []
    /// Set in the child process that measures memory: the number of events to hold.
    var memoryChildEvents: Int?
    /// With `--generate N PATH`: write N messages spread over 24 hours to PATH and stop.
    var generate: (count: Int, path: String)?
    /// With `--query-filter TEXT`: the filter every run of measurement 4 uses, instead of ten
    /// built-in ones in turn.
    var queryFilter: String?

    /// Messages decoded from memory per run (measurement 1).
    var decodeMessages: Int { quick ? 20_000 : 200_000 }
    /// Messages on the topic that each consumer reads (measurement 2, Kafka).
    var kafkaMessages: Int { quick ? 20_000 : 200_000 }
    /// Events in the one-hour window that each measured frame shows (measurement 2, frame).
    var frameEvents: Int { quick ? 100_000 : 1_000_000 }
    /// Events held in a 24-hour window for the memory measurement (measurement 3).
    var memoryEvents: Int { quick ? 500_000 : 10_000_000 }
    /// Events in the one-hour window that queries scan (measurement 4).
    var queryEvents: Int { quick ? 100_000 : 1_000_000 }
    /// Messages in the file that `spendtop report` reads (measurement 5).
    var reportMessages: Int { quick ? 20_000 : 200_000 }

    static let measurementNames = ["decode", "kafka", "frame", "memory", "query", "report"]

    static let help = """
        usage: spendtop bench [--runs N] [--quick] [--only NAME[,NAME…]] [--query-filter TEXT]

        Generates deterministic wire-format messages, measures spendtop on them and prints
        one table with the medians, the targets and whether each was met. Run it on a
        release build: swift build -c release && .build/release/spendtop bench

        The process pins itself to CPU 0, and the processes it starts inherit that, except
        the Kafka measurement's broker and producer, which run on CPU 1.

          --runs N      runs per measurement; the table shows the median (default 5).
          --quick       small inputs for a smoke run of a few seconds; the figures are
                        not comparable with the targets.
          --only NAMES  comma-separated subset of decode, kafka, frame, memory, query, report.
          --query-filter TEXT  the filter of every query run, instead of ten built-in
                        filters in turn; each run still adds a space to make it new.
          --generate N PATH  write N of the generated messages, spread over 24 hours,
                        to PATH (JSON lines) and stop; for profiling `spendtop report`.

        Measurements:
          decode   decode and aggregate messages held in memory, in events/s, next to a
                   Python json.loads script and Foundation's JSONDecoder on the same lines.
          kafka    messages/s read from an embedded broker on 127.0.0.1 whose topic contains
                   200,000 messages while a producer publishes 50,000/s more: by the
                   dashboard's Kafka source with ingest, by the source alone, and by kcat
                   (from PATH; `make bench` installs it) as a whole process.
          frame    time to render a 200x60 dashboard frame over a one-hour window of
                   1 million events, with the frame's data and the window query apart.
          memory   peak resident memory of a child process that ingests 10 million events
                   of 100,000 users and 1,000 organizations within 24 hours (no query).
          query    time of one query with a filter not seen before, over a one-hour
                   window of 1 million events, after one query without a filter (the
                   dashboard's first frame).
          report   wall time of `spendtop report --file` on 200,000 messages, against the
                   Python script run as a whole process on the same file.
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var reader = ArgumentReader(arguments)
        while let argument = reader.next() {
            switch ArgumentReader.name(of: argument) {
            case "--runs":
                options.runs = try ArgumentReader.positiveInteger(try reader.value(for: argument), option: "--runs")
            case "--quick":
                options.quick = true
            case "--only":
                let names = try reader.value(for: argument).split(separator: ",").map(String.init)
                for name in names where !measurementNames.contains(name) {
                    throw UsageError(message: "unknown measurement '\(name)' for --only; use decode, kafka, frame, memory, query or report.")
                }
                options.only = Set(names)
            case "--generate":
                let count = try ArgumentReader.positiveInteger(try reader.value(for: argument), option: "--generate")
                guard let path = reader.next() else {
                    throw UsageError(message: "--generate needs a count and a path, as in --generate 20000 /tmp/messages.jsonl.")
                }
                options.generate = (count, path)
            case "--query-filter":
                let text = try reader.value(for: argument)
                do {
                    _ = try Filter.parse(text)
                } catch {
                    throw UsageError(message: "invalid --query-filter '\(text)': \(error.message)")
                }
                options.queryFilter = text
            case "--memory-child":
                options.memoryChildEvents = try ArgumentReader.positiveInteger(try reader.value(for: argument), option: "--memory-child")
            default:
                throw UsageError(message: "unknown option '\(argument)' for bench; see `spendtop bench --help`.")
            }
        }
        return options
    }

    func includes(_ name: String) -> Bool {
        only.isEmpty || only.contains(name)
    }
}

/// One line of the results table.
struct BenchRow {
    var measurement: String
    var value: String
    var target: String
    var ratio: String
    var met: String
}

func runBench(_ arguments: [String]) throws -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
        print(BenchOptions.help)
        return 0
    }
    if let mode = arguments.first, mode.hasPrefix("--kafka-"), mode.hasSuffix("-child") {
        return try runKafkaBenchChild(arguments)
    }
    let options = try BenchOptions.parse(arguments)
    if let events = options.memoryChildEvents {
        runMemoryChild(events: events)
        return 0
    }
    if let (count, path) = options.generate {
        let traffic = BenchTraffic(spanSeconds: 86_000, messageCount: count)
        var bytes: [UInt8] = []
        for index in 0..<count { traffic.appendMessage(index, to: &bytes) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return 0
    }
    let pinned = pinToFirstCPU()
    if !pinned {
        printError("spendtop bench: warning: could not pin the process to CPU 0; figures may vary more.")
    }
    var bench = Bench(options: options)
    try bench.run()
    return 0
}

/// Restricts this process (and the processes it starts later) to CPU 0.
///
/// Glibc declares `sched_setaffinity` only under `_GNU_SOURCE`, which the Swift Glibc module
/// does not set, so the symbol is looked up at run time. `taskset -c 0 spendtop bench` does
/// the same from outside.
func pinToFirstCPU() -> Bool {
    typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "sched_setaffinity") else { return false }
    let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
    // A 1024-bit CPU mask, the size of glibc's cpu_set_t, with only CPU 0 set.
    var mask = [UInt64](repeating: 0, count: 16)
    mask[0] = 1
    return mask.withUnsafeBytes { setAffinity(0, $0.count, $0.baseAddress!) } == 0
}

/// Monotonic time in seconds.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Messages held in one buffer, with the offset of each message's first byte.
struct MessageBatch {
    var bytes: [UInt8] = []
    /// Start offsets, plus the end offset of the last message.
    var offsets: [Int] = [0]

    init(traffic: BenchTraffic, count: Int) {
        bytes.reserveCapacity(count * 900)
        offsets.reserveCapacity(count + 1)
        for index in 0..<count {
            traffic.appendMessage(index, to: &bytes)
            offsets.append(bytes.count)
        }
    }

    var count: Int { offsets.count - 1 }

    /// Calls `body` with each message, without its trailing newline.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            for index in 0..<count {
                let start = offsets[index]
                let end = offsets[index + 1] - 1
                body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
            }
        }
    }
}

/// Runs the selected measurements and prints the table.
struct Bench {
    let options: BenchOptions
    var rows: [BenchRow] = []
    let directory: URL

    init(options: BenchOptions) {
        self.options = options
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("spendtop-bench-\(getpid())", isDirectory: true)
    }

    mutating func run() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("baseline.py")
        try pythonBaseline.write(to: script, atomically: true, encoding: .utf8)

        if options.includes("decode") { try measureDecode(script: script) }
        if options.includes("kafka") { try measureKafka() }
        if options.includes("frame") { measureFrame() }
        if options.includes("memory") { try measureMemory() }
        if options.includes("query") { measureQuery() }
        if options.includes("report") { try measureReport(script: script) }
        printTable()
    }

    // MARK: 1. decode and aggregate from memory

    private mutating func measureDecode(script: URL) throws {
        let traffic = BenchTraffic(messageCount: options.decodeMessages)
        let batch = MessageBatch(traffic: traffic, count: options.decodeMessages)
        let wallClock = traffic.startMilliseconds + traffic.spanSeconds * 1000
        let averageBytes = Double(batch.bytes.count) / Double(batch.count)
        progress("decode: \(batch.count) messages of \(Int(averageBytes)) bytes on average")

        var rates: [Double] = []
        for _ in 0..<options.runs {
            let engine = SpendEngine()
            let started = monotonicSeconds()
            batch.forEach { engine.ingest($0, wallClockMilliseconds: wallClock) }
            let elapsed = monotonicSeconds() - started
            precondition(engine.counts.events > 0, "the bench messages were all skipped: \(engine.counts.skipped)")
            rates.append(Double(batch.count) / elapsed)
        }
        let spendtopRate = median(rates)

        let file = directory.appendingPathComponent("decode.jsonl")
        try Data(batch.bytes).write(to: file)
        let pythonOutput = try runProcess("/usr/bin/env", ["python3", script.path, "decode", file.path, String(options.runs)])
        let pythonRates = pythonOutput.split(separator: "\n").compactMap { Double($0) }
        guard !pythonRates.isEmpty else {
            throw RuntimeFailure(message: "the Python baseline printed no rates: \(pythonOutput)")
        }
        let pythonRate = median(pythonRates)

        var decoderRates: [Double] = []
        for _ in 0..<options.runs {
            decoderRates.append(measureJSONDecoder(batch))
        }
        let decoderRate = median(decoderRates)

        let target = 1_000_000.0
        rows.append(BenchRow(
            measurement: "1. decode+aggregate from memory, events/s", value: format(spendtopRate, digits: 0),
            target: ">= 1,000,000", ratio: format(spendtopRate / target, digits: 2), met: spendtopRate >= target ? "yes" : "no"
        ))
        rows.append(BenchRow(
            measurement: "1. baseline: Python json.loads + dicts", value: format(pythonRate, digits: 0),
            target: "-", ratio: "x\(format(spendtopRate / pythonRate, digits: 1))", met: "-"
        ))
        rows.append(BenchRow(
            measurement: "1. baseline: Foundation JSONDecoder", value: format(decoderRate, digits: 0),
            target: "-", ratio: "x\(format(spendtopRate / decoderRate, digits: 1))", met: "-"
        ))
    }

    // MARK: 3. memory of a full 24-hour window

    private mutating func measureMemory() throws {
        let events = options.memoryEvents
        progress("memory: \(options.runs) child processes holding \(events) events each")
        var peaks: [Double] = []
        var finals: [Double] = []
        for _ in 0..<options.runs {
            let output = try runProcess(executablePath(), ["bench", "--memory-child", String(events)])
            let fields = parseFields(output)
            guard let peak = fields["peak_kib"].flatMap(Double.init), let final = fields["rss_kib"].flatMap(Double.init) else {
                throw RuntimeFailure(message: "the memory child printed no figures: \(output)")
            }
            peaks.append(peak / 1024)
            finals.append(final / 1024)
        }
        let peak = median(peaks)
        let target = 300.0
        rows.append(BenchRow(
            measurement: "3. peak RSS, \(format(Double(events), digits: 0)) events in 24h, MiB", value: format(peak, digits: 1),
            target: "< 300", ratio: format(peak / target, digits: 2), met: peak < target ? "yes" : "no"
        ))
        rows.append(BenchRow(
            measurement: "3. RSS after ingest, MiB", value: format(median(finals), digits: 1),
            target: "-", ratio: "-", met: "-"
        ))
    }

    // MARK: 4. a filter change over a window of 1 million events

    private mutating func measureQuery() {
        let events = options.queryEvents
        progress("query: loading \(events) events into a one-hour window")
        let traffic = BenchTraffic(spanSeconds: 3_000, messageCount: events)
        let engine = SpendEngine()
        let wallClock = traffic.startMilliseconds + traffic.spanSeconds * 1000
        var buffer: [UInt8] = []
        for index in 0..<events {
            buffer.removeAll(keepingCapacity: true)
            traffic.appendMessage(index, to: &buffer)
            buffer.withUnsafeBufferPointer { engine.ingest(UnsafeBufferPointer(rebasing: $0.dropLast()), wallClockMilliseconds: wallClock) }
        }
        // The dashboard queries the window without a filter when it starts, before anyone can
        // type one. That first query also sizes the buffers that later queries reuse.
        _ = engine.query(window: .oneHour, filter: .all)
        // Each run uses a filter the engine has not seen, so no verdicts are cached.
        let filters = options.queryFilter.map { [$0] } ?? [
            "provider=anthropic", "org=org_0042", "model~sonnet cached=false", "service!=nlp-service",
            "user=teacher_000123 or provider=openai", "type=generation", "not cached=true and org~org_00",
            "provider!=mock model!~flash", "org=- or user=-", "service~service cached=true",
        ]
        var times: [Double] = []
        for run in 0..<options.runs {
            let text = filters[run % filters.count] + String(repeating: " ", count: run / filters.count)
            let filter = try! Filter.parse(text)
            let started = monotonicSeconds()
            let result = engine.query(window: .oneHour, filter: filter)
            times.append((monotonicSeconds() - started) * 1000)
            let matched = result.total.requests
            progress("query: \(format(times[run], digits: 1)) ms for '\(text)', \(matched) events matched")
        }
        let time = median(times)
        let target = 50.0
        rows.append(BenchRow(
            measurement: "4. new filter over \(format(Double(events), digits: 0)) events (1h), ms", value: format(time, digits: 1),
            target: "<= 50", ratio: format(time / target, digits: 2), met: time <= target ? "yes" : "no"
        ))
    }

    // MARK: 5. the report command as a whole process

    private mutating func measureReport(script: URL) throws {
        let messages = options.reportMessages
        let traffic = BenchTraffic(spanSeconds: 86_000, messageCount: messages)
        let file = directory.appendingPathComponent("report.jsonl")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(messages * 900)
        for index in 0..<messages { traffic.appendMessage(index, to: &bytes) }
        try Data(bytes).write(to: file)
        bytes = []
        progress("report: \(options.runs) runs each of spendtop report and the Python script on \(messages) messages")

        let binary = try executablePath()
        var spendtopTimes: [Double] = []
        var pythonTimes: [Double] = []
        for _ in 0..<options.runs {
            var started = monotonicSeconds()
            _ = try runProcess(binary, ["report", "--file", file.path, "--format", "json"])
            spendtopTimes.append(monotonicSeconds() - started)
            started = monotonicSeconds()
            _ = try runProcess("/usr/bin/env", ["python3", script.path, "report", file.path])
            pythonTimes.append(monotonicSeconds() - started)
        }
        let spendtopTime = median(spendtopTimes)
        let pythonTime = median(pythonTimes)
        let speedup = pythonTime / spendtopTime
        rows.append(BenchRow(
            measurement: "5. spendtop report, \(format(Double(messages), digits: 0)) messages, s", value: format(spendtopTime, digits: 3),
            target: "-", ratio: "-", met: "-"
        ))
        rows.append(BenchRow(
            measurement: "5. Python script, same file, s", value: format(pythonTime, digits: 3),
            target: "-", ratio: "-", met: "-"
        ))
        rows.append(BenchRow(
            measurement: "5. report speed-up over Python", value: "x" + format(speedup, digits: 1),
            target: ">= x6", ratio: format(speedup / 6, digits: 2), met: speedup >= 6 ? "yes" : "no"
        ))
    }

    // MARK: output

    private func printTable() {
        let header = BenchRow(measurement: "measurement", value: "value", target: "target", ratio: "ratio", met: "met")
        let all = [header] + rows
        let widths = [
            all.map(\.measurement.count).max()!, all.map(\.value.count).max()!,
            all.map(\.target.count).max()!, all.map(\.ratio.count).max()!, 3,
        ]
        print("runs per measurement: \(options.runs) (median shown)\(options.quick ? ", quick inputs" : "")")
        for (index, row) in all.enumerated() {
            let cells = [row.measurement, row.value, row.target, row.ratio, row.met]
            var line = ""
            for (column, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                line += column == 0 ? cell + padding : "  " + padding + cell
            }
            print(line)
            if index == 0 {
                print(String(repeating: "-", count: line.count))
            }
        }
    }

    func progress(_ text: String) {
        printError("bench: \(text)")
    }
}

/// Formats `value` with comma thousands separators and `digits` decimals, as in `1,234,567.8`.
func format(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    let plain = String(format: "%.\(digits)f", abs(value))
    let parts = plain.split(separator: ".", maxSplits: 1)
    var whole = String(parts[0])
    var grouped = ""
    while whole.count > 3 {
        grouped = "," + whole.suffix(3) + grouped
        whole = String(whole.dropLast(3))
    }
    let fraction = parts.count > 1 ? "." + parts[1] : ""
    return (value < 0 ? "-" : "") + whole + grouped + fraction
}

/// Parses `key=value` words from a line of output.
func parseFields(_ output: String) -> [String: String] {
    var fields: [String: String] = [:]
    for word in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        let parts = word.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    return fields
}

/// Returns the path of the running binary, so child processes run the same build.
func executablePath() throws -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else {
        throw RuntimeFailure(message: "cannot read /proc/self/exe: \(String(cString: strerror(errno))).")
    }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Runs a program to completion and returns its standard output, or throws when its exit status is not 0.
func runProcess(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw RuntimeFailure(message: "\(path) \(arguments.joined(separator: " ")) failed with exit status \(process.terminationStatus).")
    }
    return String(decoding: data, as: UTF8.self)
}

/// Ingests `events` generated messages spread over 24 hours into a default engine, then prints
/// the process's resident memory now and at its peak (VmRSS and VmHWM from /proc/self/status), in KiB.
func runMemoryChild(events: Int) {
    let traffic = BenchTraffic(spanSeconds: 86_000, messageCount: events)
    let engine = SpendEngine()
    let wallClock = traffic.startMilliseconds + traffic.spanSeconds * 1000
    var buffer: [UInt8] = []
    for index in 0..<events {
        buffer.removeAll(keepingCapacity: true)
        traffic.appendMessage(index, to: &buffer)
        buffer.withUnsafeBufferPointer { engine.ingest(UnsafeBufferPointer(rebasing: $0.dropLast()), wallClockMilliseconds: wallClock) }
    }
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func kibibytes(_ field: String) -> String {
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.map(String.init) ?? "0"
    }
    // VmHWM is the peak of this process's own memory. getrusage's ru_maxrss would also count
    // the parent's resident memory, because Linux carries it over the exec of a spawned child.
    print("rss_kib=\(kibibytes("VmRSS:")) peak_kib=\(kibibytes("VmHWM:")) events=\(engine.counts.events) duplicates=\(engine.counts.duplicates)")
}
