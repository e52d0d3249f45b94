import Dispatch
import Foundation
import SpendEvents
import SpendKafka

let emitHelp = """
    usage: spendtop emit -b HOST:PORT [-t TOPIC] [--rate N] [--count N | --duration D] [--seed N]
                         [--orgs N] [--incident SPEC]... [--file PATH] [-X NAME=VALUE]... [-F FILE]

    Publishes cost-tracking events in the publisher's wire format, spread evenly over the topic's
    partitions, and ends with one line on stdout: `emitted N events, spend_usd X.XXXXXX, cache_hits N`.
    Without --count or --duration it runs until SIGINT or SIGTERM.

      -b, --brokers HOST:PORT  bootstrap servers
      -t, --topic NAME         topic (default \(KafkaSourceOptions.defaultTopic))
      --rate N                 events per second (default: as fast as the broker takes them);
                               incident events come on top of this rate
      --count N                stop after N events
      --duration D             stop after D, such as 90s or 5m
      --seed N                 random seed; the same seed gives the same event ids and contents
                               (timestamps are the wall clock at emit time). Default: random
      --orgs N                 organizations district-1 … district-N, Zipf-distributed (default 60)
      --incident SPEC          extra traffic, such as org=district-42,model=claude-opus-4-1,x=20,after=60s,for=120s:
                               that pair's traffic runs at 20 times its normal rate (at least 1% of
                               all traffic) from 60 s after the start for 120 s; repeatable
      --file PATH              publish the lines of a JSON-lines file unchanged instead of generated events
      -X NAME=VALUE, -F FILE   librdkafka producer properties
      --log-file PATH          write librdkafka's log there (mode 0600)
    """

/// The parsed `spendtop emit` options.
struct EmitOptions {
    var brokers: String?
    var topic = KafkaSourceOptions.defaultTopic
    var properties: [KafkaProperty] = []
    var rate: Double?
    var count: Int?
    var durationSeconds: Double?
    var seed: UInt64?
    var organizations = 60
    var incidents: [SyntheticIncident] = []
    var filePath: String?
    var logFilePath: String?

    init(_ arguments: [String]) throws {
        var reader = ArgumentReader(arguments)
        while let option = reader.next() {
            let name = ArgumentReader.name(of: option)
            switch name {
            case "-b", "--brokers":
                brokers = try reader.value(for: option)
            case "-t", "--topic":
                topic = try reader.value(for: option)
            case "-X":
                properties.append(try parseProperty(try reader.value(for: option), option: "-X"))
            case "-F", "--config":
                properties += try readPropertiesFile(try reader.value(for: option))
            case "--rate":
                let text = try reader.value(for: option)
                guard let value = Double(text), value > 0, value.isFinite else {
                    throw UsageError(message: "--rate takes a positive number of events per second, not '\(text)'.")
                }
                rate = value
            case "--count":
                count = try ArgumentReader.positiveInteger(try reader.value(for: option), option: "--count")
            case "--duration":
                durationSeconds = try parseDurationSeconds(try reader.value(for: option), option: "--duration")
            case "--seed":
                let text = try reader.value(for: option)
                guard let value = UInt64(text) else {
                    throw UsageError(message: "--seed takes a whole number from 0 to \(UInt64.max), not '\(text)'.")
                }
                seed = value
            case "--orgs":
                organizations = try ArgumentReader.positiveInteger(try reader.value(for: option), option: "--orgs")
            case "--incident":
                do {
                    incidents.append(try SyntheticIncident.parse(try reader.value(for: option)))
                } catch let error as SyntheticIncident.ParseError {
                    throw UsageError(message: error.message)
                }
            case "--file":
                filePath = try reader.value(for: option)
            case "--log-file":
                logFilePath = try reader.value(for: option)
            default:
                throw UsageError(message: "unknown emit option '\(option)'; see `spendtop emit --help`.")
            }
        }
        guard brokers != nil || properties.value(of: "bootstrap.servers") != nil else {
            throw UsageError(message: "emit needs a broker; pass -b HOST:PORT, e.g. the address `spendtop broker` prints.")
        }
        if count != nil && durationSeconds != nil {
            throw UsageError(message: "--count and --duration cannot be combined; pass one of them.")
        }
    }
}

/// Runs `spendtop emit`.
func runEmit(_ arguments: [String]) throws -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
        print(emitHelp)
        return 0
    }
    let options = try EmitOptions(arguments)
    let fileLines = try options.filePath.map(readEventLines)

    let producer: KafkaProducer
    let partitionCount: Int
    do {
        let logFile = try options.logFilePath.map { try KafkaLogFile(path: $0, mask: SecretMask(options.properties)) }
        // A bootstrap.servers property overrides -b, like any property overrides a default.
        let bootstrapServers = options.brokers ?? options.properties.value(of: "bootstrap.servers") ?? ""
        producer = try KafkaProducer(bootstrapServers: bootstrapServers, properties: options.properties, logFile: logFile)
        partitionCount = try producer.partitionCount(topic: options.topic)
    } catch let error as KafkaError {
        throw RuntimeFailure(message: error.message)
    }
    defer { producer.close() }

    let stop = StopFlag()
    let signalSources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { stop.set() }
        source.resume()
        return source
    }
    defer { signalSources.forEach { $0.cancel() } }

    var traffic = SyntheticTraffic(seed: options.seed ?? UInt64.random(in: 0...UInt64.max),
                                   organizations: options.organizations, incidents: options.incidents)
    var totals = EmitTotals()
    let start = Date()
    var pacedEvents = 0

    do {
        while !stop.isSet {
            if let count = options.count, totals.events >= count { break }
            if let lines = fileLines, totals.events >= lines.count { break }
            let now = Date()
            if let duration = options.durationSeconds, now.timeIntervalSince(start) >= duration { break }
            if let rate = options.rate {
                // Event number k is due at start + k / rate; waiting keeps the rate even.
                let due = start.addingTimeInterval(Double(pacedEvents) / rate)
                if due > now {
                    producer.poll()
                    Thread.sleep(forTimeInterval: min(due.timeIntervalSince(now), 0.1))
                    continue
                }
            }

            let partition = Int32(totals.events % partitionCount)
            if let lines = fileLines {
                let line = lines[totals.events]
                try producer.send(line.bytes, topic: options.topic, partition: partition)
                totals.add(cost: line.cost, cached: line.cached)
                pacedEvents += 1
            } else {
                let event = traffic.nextEvent(at: Int64(now.timeIntervalSince1970 * 1000))
                try producer.send(event.json, topic: options.topic, partition: partition)
                totals.add(cost: event.cost, cached: event.cached)
                if !event.isIncidentExtra { pacedEvents += 1 }
            }
        }
        try producer.flush()
    } catch let error as KafkaError {
        throw RuntimeFailure(message: "\(error.message) \(producer.deliveredCount) of \(totals.events) events were delivered.")
    }

    let failures = producer.failures
    guard failures.count == 0 else {
        throw RuntimeFailure(message: "\(failures.count) of \(totals.events) events were not delivered: \(failures.firstReason ?? "unknown reason"); see --log-file for librdkafka's log.")
    }
    print("emitted \(totals.events) events, spend_usd \(totals.spend.decimalString), cache_hits \(totals.cacheHits)")
    return 0
}

/// Counts of what emit published.
struct EmitTotals {
    var events = 0
    var spend = Money.zero
    var cacheHits = 0

    mutating func add(cost: Money, cached: Bool) {
        events += 1
        spend += cost
        if cached { cacheHits += 1 }
    }
}

/// A flag set from a signal handler's queue and read by the emit loop.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

/// One line of a `--file` input, with the amounts it carries when it is a cost event.
struct EventLine {
    var bytes: [UInt8]
    var cost: Money
    var cached: Bool
}

/// Reads the non-empty lines of a JSON-lines file. Lines are published unchanged; a line that is
/// not a cost event still counts as an event, with no spend.
func readEventLines(_ path: String) throws -> [EventLine] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw UsageError(message: "cannot read --file '\(path)'; check the path and its permissions.")
    }
    return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
        var bytes = Array(line)
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        let payload = (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["data"] as? [String: Any]
        // The cost is written with at most six decimals, so rounding to micro-dollars is exact.
        let cost = (payload?["cost_estimate_usd"] as? NSNumber).map { Money(micros: Int64(($0.doubleValue * 1_000_000).rounded())) } ?? .zero
        let metadata = payload?["metadata"] as? [String: Any]
        let cached = payload?["cached"] as? Bool == true || metadata?["cached"] as? Bool == true
        return EventLine(bytes: bytes, cost: cost, cached: cached)
    }
}
