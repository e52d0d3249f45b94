/// The stamp written at the top of a snapshot file: when, in which view, from where.
public struct SnapshotStamp: Equatable, Sendable {
    /// Unix milliseconds.
    public var timeMs: Int64
    public var timeZone: TimeZoneMode
    public var localOffsetSeconds: Int
    public var window: String
    public var filter: String
    public var source: String
    /// Partition offsets as text, such as `cost-tracking/0@1234 cost-tracking/1@1200`.
    public var offsets: String

    public init(timeMs: Int64, timeZone: TimeZoneMode, localOffsetSeconds: Int = 0, window: String, filter: String, source: String, offsets: String = "") {
        self.timeMs = timeMs
        self.timeZone = timeZone
        self.localOffsetSeconds = localOffsetSeconds
        self.window = window
        self.filter = filter
        self.source = source
        self.offsets = offsets
    }

    /// The stamp lines, each starting with `# `.
    public var lines: [String] {
        let offset = timeZone == .utc ? 0 : localOffsetSeconds
        let zone = timeZone == .utc ? "UTC" : "local (UTC\(Format.offset(offset)))"
        return [
            "# spendtop snapshot at \(CalendarDate(unixSeconds: timeMs / 1_000 + Int64(offset)).text) \(zone)",
            "# window \(window), filter \(filter.isEmpty ? "none" : filter)",
            "# source \(source.isEmpty ? "unknown" : source)" + (offsets.isEmpty ? "" : ", offsets \(offsets)"),
        ]
    }

    /// A file name without extension: `spendtop-YYYYMMDDTHHMMSSZ` in UTC.
    public var fileBaseName: String {
        "spendtop-" + CalendarDate(unixSeconds: timeMs / 1_000).compactText + "Z"
    }
}

/// Snapshot files: the stamp, then the screen as plain text or with ANSI colours.
public enum Snapshot {
    public static func plainText(_ buffer: ScreenBuffer, stamp: SnapshotStamp) -> String {
        (stamp.lines + TextRenderer.plainLines(buffer)).joined(separator: "\n") + "\n"
    }

    public static func ansiText(_ buffer: ScreenBuffer, stamp: SnapshotStamp, theme: Theme, depth: ColorDepth) -> String {
        stamp.lines.joined(separator: "\n") + "\n" + TextRenderer.ansiText(buffer, theme: theme, depth: depth)
    }
}

/// A proleptic Gregorian date and time of day from Unix seconds, without Foundation's calendar.
struct CalendarDate {
    var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64

    init(unixSeconds: Int64) {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : -((-unixSeconds + 86_399) / 86_400)
        let secondOfDay = unixSeconds - days * 86_400
        // Days to civil date, after Howard Hinnant's `civil_from_days`.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3_600
        minute = (secondOfDay % 3_600) / 60
        second = secondOfDay % 60
    }

    /// `YYYY-MM-DD HH:MM:SS`.
    var text: String {
        "\(year)-\(pad(month))-\(pad(day)) \(pad(hour)):\(pad(minute)):\(pad(second))"
    }

    /// `YYYYMMDDTHHMMSS`.
    var compactText: String {
        "\(year)\(pad(month))\(pad(day))T\(pad(hour))\(pad(minute))\(pad(second))"
    }

    private func pad(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
