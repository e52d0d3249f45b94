import Foundation
import SpendKafka

/// Help text for the Kafka source options, shared by every command that reads Kafka.
let kafkaSourceOptionsHelp = """
      -b, --brokers HOST:PORT[,…]   bootstrap servers (or -X bootstrap.servers=…)
      -t, --topic NAME              topic to read, repeatable (default \(KafkaSourceOptions.defaultTopic))
      -X NAME=VALUE                 any librdkafka property, repeatable; later ones win
      -F, --config FILE             librdkafka properties, one NAME=VALUE a line, # starts a comment
      --from POSITION               latest (default), earliest, -15m, -2h, -30s, -1d, an RFC 3339 time
                                    such as 2026-02-09T08:00:00Z, or @EPOCH_MS
      --until-end                   stop at the high watermarks read at start
      --group ID                    join consumer group ID; without it every partition is assigned
                                    and no offset is committed
      --log-file PATH               write librdkafka's log there (mode 0600); without it the log is dropped
      --connect-timeout SECONDS     give up when no broker answers in time, at start or after
                                losing it mid-read (default 10)
    Property values whose names contain 'password' or 'secret' are shown as *** wherever
    spendtop echoes configuration.
    """

extension KafkaSourceOptions {
    /// Parses `option` (and its value from `reader`) when it is a Kafka source option.
    /// Returns false, reading nothing, for any other option.
    mutating func consume(option: String, reader: inout ArgumentReader) throws -> Bool {
        let name = ArgumentReader.name(of: option)
        switch name {
        case "-b", "--brokers":
            brokers = try reader.value(for: option)
        case "-t", "--topic":
            let topic = try reader.value(for: option)
            guard !topic.isEmpty else {
                throw UsageError(message: "\(name) needs a topic name, not an empty string.")
            }
            topics.append(topic)
        case "-X":
            properties.append(try parseProperty(try reader.value(for: option), option: "-X"))
        case "-F", "--config":
            properties += try readPropertiesFile(try reader.value(for: option))
        case "--from":
            startPosition = try parseStartPosition(try reader.value(for: option), now: Date())
        case "--until-end":
            untilEnd = true
        case "--group":
            let group = try reader.value(for: option)
            guard !group.isEmpty else {
                throw UsageError(message: "--group needs a group id, not an empty string.")
            }
            groupID = group
        case "--log-file":
            logFilePath = try reader.value(for: option)
        case "--connect-timeout":
            connectTimeoutSeconds = try parseDurationSeconds(try reader.value(for: option), option: "--connect-timeout")
        default:
            return false
        }
        return true
    }

    /// Checks what single options cannot: that a broker address was given.
    func validate() throws {
        guard brokers != nil || properties.value(of: "bootstrap.servers") != nil else {
            throw UsageError(message: "no Kafka broker given; pass -b HOST:PORT (or -X bootstrap.servers=HOST:PORT).")
        }
    }
}

/// Parses `NAME=VALUE` into a librdkafka property.
func parseProperty(_ text: String, option: String) throws -> KafkaProperty {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw UsageError(message: "\(option) takes NAME=VALUE, such as -X security.protocol=SASL_SSL, not '\(text)'.")
    }
    return KafkaProperty(name: String(text[..<equals]).trimmingCharacters(in: .whitespaces),
                         value: String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
}

/// Reads librdkafka properties from a file: one `NAME=VALUE` a line; blank lines and lines
/// starting with `#` are skipped.
func readPropertiesFile(_ path: String) throws -> [KafkaProperty] {
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw UsageError(message: "cannot read the properties file '\(path)': \(error.localizedDescription).")
    }
    var properties: [KafkaProperty] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
        do {
            properties.append(try parseProperty(trimmed, option: "-F"))
        } catch {
            throw UsageError(message: "line \(index + 1) of '\(path)' is not NAME=VALUE; fix or comment it out with #.")
        }
    }
    return properties
}

/// Parses a `--from` position: `latest`, `earliest`, `-15m` (relative to `now`), an RFC 3339
/// time, or `@EPOCH_MS`.
func parseStartPosition(_ text: String, now: Date) throws -> KafkaStartPosition {
    switch text {
    case "latest":
        return .latest
    case "earliest":
        return .earliest
    default:
        break
    }
    if text.hasPrefix("@") {
        guard let milliseconds = Int64(text.dropFirst()), milliseconds >= 0 else {
            throw UsageError(message: "--from @EPOCH_MS needs milliseconds since 1970, not '\(text)'.")
        }
        return .time(milliseconds: milliseconds)
    }
    if text.hasPrefix("-") {
        guard let seconds = try? parseDurationSeconds(String(text.dropFirst()), option: "--from") else {
            throw UsageError(message: "--from -DURATION needs a duration such as -15m, -2h or -1d, not '\(text)'.")
        }
        return .time(milliseconds: Int64((now.timeIntervalSince1970 - seconds) * 1000))
    }
    if let milliseconds = parseRFC3339Milliseconds(text) {
        return .time(milliseconds: milliseconds)
    }
    throw UsageError(message: "--from takes latest, earliest, a time before now such as -15m or -2h, an RFC 3339 time such as 2026-02-09T08:00:00Z, or @EPOCH_MS, not '\(text)'.")
}

/// Parses a duration with a unit of `ms`, `s`, `m`, `h` or `d` (a bare number is seconds) into seconds.
func parseDurationSeconds(_ text: String, option: String) throws -> Double {
    let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
    for unit in units where text.hasSuffix(unit.suffix) {
        if let number = Double(text.dropLast(unit.suffix.count)), number >= 0, number.isFinite {
            return number * unit.seconds
        }
    }
    if let number = Double(text), number >= 0, number.isFinite {
        return number
    }
    throw UsageError(message: "\(option) takes a duration such as 30s, 15m, 2h or 1d, not '\(text)'.")
}

/// Parses `2026-02-09T08:14:21.924582Z` or `…+01:00` (a missing offset means UTC; a space may
/// replace the `T`) into milliseconds since 1970. Returns nil for any other text.
func parseRFC3339Milliseconds(_ text: String) -> Int64? {
    let pattern = #"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"#
    guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
          let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
    func group(_ index: Int) -> String? {
        Range(match.range(at: index), in: text).map { String(text[$0]) }
    }
    guard let year = Int64(group(1)!), let month = Int64(group(2)!), let day = Int64(group(3)!),
          let hour = Int64(group(4)!), let minute = Int64(group(5)!), let second = Int64(group(6)!),
          (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }

    var milliseconds = (daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000
    if let fraction = group(7) {
        let digits = String(fraction.dropFirst().prefix(3))
        milliseconds += Int64(digits + String(repeating: "0", count: 3 - digits.count))!
    }
    if let offset = group(8), offset.uppercased() != "Z" {
        let sign: Int64 = offset.hasPrefix("-") ? -1 : 1
        let hours = Int64(offset.dropFirst().prefix(2))!
        let minutes = Int64(offset.suffix(2))!
        milliseconds -= sign * (hours * 3600 + minutes * 60) * 1000
    }
    return milliseconds
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
private func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
