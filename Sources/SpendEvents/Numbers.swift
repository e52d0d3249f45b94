/// Conversions of JSON number and timestamp bytes to integers, without floating point.
enum NumberText {
    /// The value of the JSON number in `bytes[range]` times 10^`scale`, rounded half away from zero.
    ///
    /// Works on the decimal digits themselves, so `0.015014999999999997` at scale 6 is exactly
    /// 15015 and `5e-05` is 50. Returns nil when the result does not fit in an Int64.
    /// `exact` is false when non-zero digits were rounded away.
    static func scaledInteger(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scale: Int
    ) -> (value: Int64, exact: Bool)? {
        if let value = plainScaledInteger(bytes, range, scale: scale) {
            return (value, true)
        }
        return generalScaledInteger(bytes, range, scale: scale)
    }

    /// Returns the value of the number in `bytes[range]` times 10^`scale`, exactly, when it is
    /// at most 18 digits with an optional point and no more than `scale` digits after it.
    /// Returns nil for any other number, including negative ones.
    @inline(__always)
    private static func plainScaledInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scale: Int) -> Int64? {
        // 18 digits stay below 10^18, so the loop cannot overflow an Int64.
        guard range.count <= 18 else { return nil }
        var value: Int64 = 0
        var fractionDigits = -1
        for index in range {
            let byte = bytes[index]
            if isDigit(byte) {
                value = value &* 10 &+ Int64(byte &- UInt8(ascii: "0"))
                if fractionDigits >= 0 { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), fractionDigits < 0 {
                fractionDigits = 0
            } else {
                return nil
            }
        }
        var remainingScale = scale - max(fractionDigits, 0)
        guard remainingScale >= 0 else { return nil }
        while remainingScale > 0 {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
            remainingScale -= 1
        }
        return value
    }

    private static func generalScaledInteger(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scale: Int
    ) -> (value: Int64, exact: Bool)? {
        var index = range.lowerBound
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        // Mantissa digits run from `digitsStart` to `range.upperBound` or the exponent, skipping the point.
        let digitsStart = index
        var integerDigits = 0
        var mantissaEnd = index
        var sawPoint = false
        var allZero = true
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                sawPoint = true
            } else if isDigit(byte) {
                if !sawPoint { integerDigits += 1 }
                if byte != UInt8(ascii: "0") { allZero = false }
            } else {
                break
            }
            index += 1
        }
        mantissaEnd = index
        var exponent = 0
        if index < range.upperBound {
            index += 1
            var exponentNegative = false
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < range.upperBound {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        if allZero { return (0, true) }
        // `cut` digits of the mantissa (padded with zeros) form the scaled integer.
        let cut = integerDigits + exponent + scale
        guard cut <= 40 else { return nil }
        var digitIndex = 0
        var position = digitsStart
        var result: Int64 = 0
        var roundingDigit: UInt8 = 0
        var droppedNonZero = false
        /// Returns the next mantissa digit, or 0 once they run out.
        func nextDigit() -> UInt8 {
            while position < mantissaEnd {
                let byte = bytes[position]
                position += 1
                if byte != UInt8(ascii: ".") { return byte - UInt8(ascii: "0") }
            }
            return 0
        }
        if cut < 0 {
            return (0, false)
        }
        while digitIndex < cut {
            let digit = Int64(nextDigit())
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            result = sum
            digitIndex += 1
        }
        roundingDigit = nextDigit()
        if roundingDigit != 0 { droppedNonZero = true }
        while position < mantissaEnd {
            let byte = bytes[position]
            position += 1
            if byte != UInt8(ascii: ".") && byte != UInt8(ascii: "0") { droppedNonZero = true }
        }
        if roundingDigit >= 5 {
            let (rounded, overflow) = result.addingReportingOverflow(1)
            if overflow { return nil }
            result = rounded
        }
        return (negative ? -result : result, !droppedNonZero)
    }

    /// Unix time in milliseconds of an ISO-8601 date and time in `bytes[start..<start+count]`.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS` (or a space for `T`), any number of fractional
    /// digits (milliseconds kept, the rest truncated), and `Z`, `±HH:MM`, `±HHMM` or no
    /// offset, which is read as UTC. Returns nil for anything else or an impossible date.
    static func timestampMilliseconds(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, count: Int) -> Int64? {
        if count == 27, let milliseconds = producerTimestampMilliseconds(bytes, start: start) {
            return milliseconds
        }
        let end = start + count
        var index = start
        guard let year = digits(bytes, &index, end: end, width: 4), take(bytes, &index, end: end, UInt8(ascii: "-")),
              let month = digits(bytes, &index, end: end, width: 2), take(bytes, &index, end: end, UInt8(ascii: "-")),
              let day = digits(bytes, &index, end: end, width: 2) else { return nil }
        guard take(bytes, &index, end: end, UInt8(ascii: "T")) || take(bytes, &index, end: end, UInt8(ascii: "t"))
            || take(bytes, &index, end: end, UInt8(ascii: " ")) else { return nil }
        guard let hour = digits(bytes, &index, end: end, width: 2), take(bytes, &index, end: end, UInt8(ascii: ":")),
              let minute = digits(bytes, &index, end: end, width: 2), take(bytes, &index, end: end, UInt8(ascii: ":")),
              let second = digits(bytes, &index, end: end, width: 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 61 else { return nil }
        var milliseconds = 0
        if take(bytes, &index, end: end, UInt8(ascii: ".")) {
            var fractionDigits = 0
            while index < end, isDigit(bytes[index]) {
                if fractionDigits < 3 { milliseconds = milliseconds * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
            for _ in fractionDigits..<max(fractionDigits, 3) { milliseconds *= 10 }
        }
        var offsetSeconds = 0
        if index < end {
            if take(bytes, &index, end: end, UInt8(ascii: "Z")) || take(bytes, &index, end: end, UInt8(ascii: "z")) {
                // UTC.
            } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let offsetHours = digits(bytes, &index, end: end, width: 2) else { return nil }
                _ = take(bytes, &index, end: end, UInt8(ascii: ":"))
                guard let offsetMinutes = digits(bytes, &index, end: end, width: 2), offsetHours < 24, offsetMinutes < 60 else {
                    return nil
                }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        guard index == end else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(milliseconds)
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the 27 bytes at `start` in the layout that
    /// producers write, with fixed offsets and without bounds checks per byte. Returns nil for
    /// any other text, which ``timestampMilliseconds(_:start:count:)`` then reads in full.
    /// For this layout both give the same result.
    @inline(__always)
    private static func producerTimestampMilliseconds(_ bytes: UnsafeBufferPointer<UInt8>, start: Int) -> Int64? {
        guard start >= 0, start + 27 <= bytes.count, let base = bytes.baseAddress else { return nil }
        let text = base + start
        guard text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: "T"),
              text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"), text[19] == UInt8(ascii: "."),
              text[26] == UInt8(ascii: "Z") else { return nil }
        // A digit gives a value below 10 once "0" is subtracted, and any other byte 10 or more.
        var invalid = false
        func number(_ offset: Int, _ width: Int) -> Int {
            var value = 0
            for index in offset..<offset + width {
                let digit = text[index] &- UInt8(ascii: "0")
                invalid = invalid || digit > 9
                value = value &* 10 &+ Int(digit)
            }
            return value
        }
        let year = number(0, 4)
        let month = number(5, 2)
        let day = number(8, 2)
        let hour = number(11, 2)
        let minute = number(14, 2)
        let second = number(17, 2)
        let milliseconds = number(20, 3)
        _ = number(23, 3)
        guard !invalid, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1000 + Int64(milliseconds)
    }

    /// Reads exactly `width` decimal digits at `index` and moves past them, or returns nil.
    @inline(__always)
    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int, width: Int) -> Int? {
        guard index + width <= end else { return nil }
        var value = 0
        for offset in 0..<width {
            let byte = bytes[index + offset]
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }

    /// Moves past `byte` when it is at `index` and returns whether it was.
    @inline(__always)
    private static func take(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int, _ byte: UInt8) -> Bool {
        guard index < end, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}
