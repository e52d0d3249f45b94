import SpendEvents

/// Short number formats for narrow columns.
enum Format {
    /// Dollars rounded to cents with separators, as in `$1,234.57`.
    static func dollars(_ money: Money) -> String {
        money.dollarString
    }

    /// Dollars with four decimals under $10 so single requests stay readable, as in `$0.0123`.
    static func preciseDollars(_ money: Money) -> String {
        guard money.micros.magnitude < 10_000_000 else { return money.dollarString }
        let hundredths = (money.micros.magnitude + 50) / 100
        let whole = hundredths / 10_000
        let fraction = String(hundredths % 10_000)
        let sign = money.micros < 0 ? "-" : ""
        return "\(sign)$\(whole)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    /// Formats a count with thousands separators, as in `12,345`.
    static func count(_ value: Int64) -> String {
        var digits = String(value.magnitude)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + String(digits.suffix(3)) + grouped
            digits = String(digits.dropLast(3))
        }
        return (value < 0 ? "-" : "") + digits + grouped
    }

    /// Formats a count in at most five columns: `999`, `12.3k`, `4.5M`.
    static func compactCount(_ value: Int64) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        if magnitude < 1_000 { return sign + String(value.magnitude) }
        if magnitude < 100_000 { return sign + oneDecimal(magnitude / 1_000) + "k" }
        if magnitude < 1_000_000 { return sign + String(Int(magnitude / 1_000)) + "k" }
        if magnitude < 100_000_000 { return sign + oneDecimal(magnitude / 1_000_000) + "M" }
        return sign + String(Int(magnitude / 1_000_000)) + "M"
    }

    /// Formats a rate per second with one decimal, as in `12.3/s`.
    static func rate(_ perSecond: Double) -> String {
        oneDecimal(perSecond) + "/s"
    }

    /// Formats `part` of `whole` as a whole percentage: `<1%` for a small non-zero part, `-` when `whole` is zero.
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole > 0 else { return "-" }
        let percent = Int((Double(part) / Double(whole) * 100).rounded())
        if percent == 0 && part > 0 { return "<1%" }
        return String(percent) + "%"
    }

    /// Formats a latency: `840ms` under a second, else seconds with one decimal, as in `1.2s`.
    static func milliseconds(_ value: Int64) -> String {
        if value < 1_000 { return "\(value)ms" }
        if value < 100_000 { return oneDecimal(Double(value) / 1_000) + "s" }
        return "\(value / 1_000)s"
    }

    /// Formats an age or remaining time in seconds: `0.4s`, `42s`, `3m05s`, `2h13m`, `3d04h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return oneDecimal(max(0, seconds)) + "s" }
        let whole = Int64(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3_600 { return "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        if whole < 86_400 { return "\(whole / 3_600)h" + twoDigits((whole % 3_600) / 60) + "m" }
        return "\(whole / 86_400)d" + twoDigits((whole % 86_400) / 3_600) + "h"
    }

    /// Formats a whole span of time in its largest exact unit: `5s`, `24m`, `1h`.
    static func span(seconds: Int) -> String {
        if seconds >= 3_600, seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds >= 60, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// Formats the time of day `HH:MM:SS` of Unix milliseconds `ms`, shifted by `offsetSeconds`.
    static func timeOfDay(ms: Int64, offsetSeconds: Int) -> String {
        let seconds = floorDivide(ms, 1_000) + Int64(offsetSeconds)
        let ofDay = ((seconds % 86_400) + 86_400) % 86_400
        return twoDigits(ofDay / 3_600) + ":" + twoDigits((ofDay % 3_600) / 60) + ":" + twoDigits(ofDay % 60)
    }

    /// Formats a UTC offset as `+02:00` or `-05:30`.
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return sign + twoDigits(Int64(minutes / 60)) + ":" + twoDigits(Int64(minutes % 60))
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
