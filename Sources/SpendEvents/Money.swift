/// An amount of US dollars counted in whole micro-dollars (1e-6 USD).
///
/// Sums of `Money` are exact integer additions, so totals never drift however many
/// events are added. The range is ±9.2 trillion dollars.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in micro-dollars.
    public var micros: Int64

    public init(micros: Int64) {
        self.micros = micros
    }

    public static let zero = Money(micros: 0)

    public static func + (lhs: Money, rhs: Money) -> Money {
        Money(micros: lhs.micros &+ rhs.micros)
    }

    public static func += (lhs: inout Money, rhs: Money) {
        lhs.micros &+= rhs.micros
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        Money(micros: lhs.micros &- rhs.micros)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.micros < rhs.micros
    }

    /// The amount with exactly six decimals and no currency sign, as in `12.345678`.
    public var decimalString: String {
        let negative = micros < 0
        let magnitude = micros.magnitude
        let whole = magnitude / 1_000_000
        let fraction = String(magnitude % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (negative ? "-" : "") + "\(whole).\(padded)"
    }

    /// The amount rounded to cents with a dollar sign and thousands separators, as in `$1,234.57`.
    public var dollarString: String {
        let cents = (micros.magnitude + 5_000) / 10_000
        var whole = String(cents / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + String(whole.suffix(3)) + grouped
            whole = String(whole.dropLast(3))
        }
        let fraction = cents % 100
        let sign = micros < 0 ? "-" : ""
        return "\(sign)$\(whole)\(grouped).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public var description: String { decimalString }
}
