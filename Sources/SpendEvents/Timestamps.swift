/// Parsing and formatting of the ISO-8601 times used on the wire and in reports.
public enum Timestamps {
    /// Unix milliseconds of an ISO-8601 time (`Z`, `±HH:MM` or no offset, read as UTC), or nil.
    public static func parseMilliseconds(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { NumberText.timestampMilliseconds($0, start: 0, count: $0.count) }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for Unix `seconds`, in UTC.
    public static func iso8601(seconds: Int64) -> String {
        let parts = civil(seconds: seconds)
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))Z"
    }

    /// Returns the civil date and time of Unix `seconds` shifted by `offsetSeconds` (0 for UTC).
    public static func civil(seconds: Int64, offsetSeconds: Int64 = 0) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let shifted = seconds + offsetSeconds
        var days = shifted / 86_400
        var secondOfDay = shifted % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Inverse of the days-from-civil computation, for the proleptic Gregorian calendar.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day), Int(secondOfDay / 3600), Int(secondOfDay % 3600 / 60), Int(secondOfDay % 60))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
