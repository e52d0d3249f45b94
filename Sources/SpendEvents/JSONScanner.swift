#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A place in a message buffer holding a JSON string's contents, without the quotes.
public struct TextSpan: Equatable, Sendable {
    /// Offset of the first byte after the opening quote.
    public var start: Int32
    /// Number of raw bytes up to the closing quote, escapes included.
    public var count: Int32
    /// True when the raw bytes contain a backslash escape, so they must be unescaped before use.
    public var escaped: Bool

    public init(start: Int32, count: Int32, escaped: Bool) {
        self.start = start
        self.count = count
        self.escaped = escaped
    }
}

/// The reason a scan of JSON bytes stopped.
enum ScanError: Error {
    case notJSON(StaticString)
    case tooDeep
}

/// A single-pass reader of JSON bytes that walks objects without building them.
///
/// It validates what it reads (strings and their UTF-8, escapes, numbers, literals, nesting) but keeps no
/// values: callers pick the fields they need and skip the rest, so reading an event
/// allocates nothing.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Deepest nesting accepted inside a skipped value; deeper input is rejected, never recursed into.
    static let maxDepth = 64

    /// The largest input: spans hold offsets and lengths as 32-bit integers.
    static let maxBytes = Int(Int32.max)

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= Self.maxBytes, "JSONScanner reads at most 2 GiB")
        self.bytes = bytes
    }

    /// Returns the span of the bytes from `start` to `end`, which lie within the input and so
    /// fit 32 bits.
    @inline(__always)
    private static func span(from start: Int, to end: Int, escaped: Bool) -> TextSpan {
        TextSpan(start: Int32(truncatingIfNeeded: start), count: Int32(truncatingIfNeeded: end - start), escaped: escaped)
    }

    var atEnd: Bool { position >= bytes.count }

    var current: UInt8 { bytes[position] }

    @inline(__always)
    mutating func skipWhitespace() {
        // Most tokens follow no whitespace or one space, so those cases take no loop.
        if position < bytes.count {
            let byte = bytes[position]
            if byte > 0x20 { return }
            if byte == 0x20, position + 1 < bytes.count, bytes[position + 1] > 0x20 {
                position += 1
                return
            }
        }
        skipWhitespaceRun()
    }

    private mutating func skipWhitespaceRun() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Consumes `byte` after optional whitespace, or returns false leaving the position on the next token.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ problem: StaticString) throws(ScanError) {
        guard consume(byte) else { throw .notJSON(problem) }
    }

    /// Reads a string starting at the opening quote and returns its span.
    ///
    /// A string without escapes or multi-byte characters ends at the first special byte, so
    /// that case is inlined at the callers and the rest of the scan is a separate function.
    @inline(__always)
    mutating func readString() throws(ScanError) -> TextSpan {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw .notJSON("expected a string")
        }
        let start = position + 1
        let special = Self.firstSpecialByte(bytes, from: start)
        if special < bytes.count, bytes[special] == UInt8(ascii: "\"") {
            position = special + 1
            return Self.span(from: start, to: special, escaped: false)
        }
        position = special
        return try readStringFromSpecialByte(start: start)
    }

    /// Reads a string that starts exactly at the position and contains no escapes, multi-byte
    /// characters or control characters, and returns its span. For any other text, returns nil
    /// and leaves the position, so the caller reads the value in full.
    ///
    /// Values that follow a key written as producers write it start at the position, and most
    /// are plain ASCII: this skips the whitespace checks and the look at the value's kind.
    @inline(__always)
    mutating func readPlainString() -> TextSpan? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        let end = Self.firstSpecialByte(bytes, from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return Self.span(from: start, to: end, escaped: false)
    }

    /// Reads a string as ``readPlainString()`` does, or null, into `value` and returns true.
    /// For anything else, returns false and leaves the position.
    mutating func readPlainTextOrNull(into value: inout TextSpan?) -> Bool {
        if let span = readPlainString() {
            value = span
            return true
        }
        if skip(literal: "null") {
            value = nil
            return true
        }
        return false
    }

    /// Continues a string that starts at `start` from the special byte at the position: an
    /// escape, a multi-byte character, a control character or the end of the input.
    @inline(never)
    private mutating func readStringFromSpecialByte(start: Int) throws(ScanError) -> TextSpan {
        var escaped = false
        while true {
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let span = Self.span(from: start, to: position, escaped: escaped)
                position += 1
                return span
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { break }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < bytes.count else { throw .notJSON("truncated \\u escape") }
                    for offset in 1...4 where hexValue(bytes[position + offset]) == nil {
                        throw .notJSON("invalid \\u escape")
                    }
                    position += 5
                default:
                    throw .notJSON("invalid escape in a string")
                }
            } else if byte < 0x20 {
                throw .notJSON("control character in a string")
            } else {
                // A byte of 0x80 or above leads a multi-byte sequence. The decoder reports any
                // failed scan of invalid UTF-8 as invalid UTF-8, so the problem text is not used.
                guard let length = UTF8Validation.sequenceLength(bytes, at: position) else {
                    throw .notJSON("is not valid UTF-8")
                }
                position += length
            }
            position = Self.firstSpecialByte(bytes, from: position)
        }
        throw .notJSON("unterminated string")
    }

    /// Returns the position of the first quote, backslash, control character or byte of 0x80
    /// or above at or after `position`, or `bytes.count` when there is none.
    ///
    /// It tests sixteen bytes per step as two 64-bit lanes, which compile to SSE2 instructions
    /// on x86-64, because strings are most of a message's bytes. In each lane,
    /// (x - 0x01) & ~x sets the high bit of every byte that is zero in x. A borrow may also
    /// mark bytes above a real match, but never below one, so the lowest mark is exact.
    @inline(__always)
    static func firstSpecialByte(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        var current = position
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            #if _endian(little)
            // Little-endian order puts the byte at `current` in the lowest bits of lane 0.
            while current + 16 <= bytes.count {
                let marks = specialMarks(raw.loadUnaligned(fromByteOffset: current, as: SIMD2<UInt64>.self))
                if marks[0] | marks[1] != 0 {
                    let lane = marks[0] != 0 ? 0 : 1
                    return current + 8 * lane + marks[lane].trailingZeroBitCount / 8
                }
                current += 16
            }
            #endif
            while current + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: current, as: UInt64.self))
                let marks = specialMarks(SIMD2(word, word))[0]
                if marks != 0 {
                    return current + marks.trailingZeroBitCount / 8
                }
                current += 8
            }
        }
        while current < bytes.count {
            let byte = bytes[current]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return current }
            current += 1
        }
        return current
    }

    /// Returns `words` with the high bit set in each byte that is a quote, a backslash, below
    /// 0x20 or 0x80 and above, and in some bytes above those in the same lane, and every other
    /// bit clear.
    @inline(__always)
    private static func specialMarks(_ words: SIMD2<UInt64>) -> SIMD2<UInt64> {
        let ones = SIMD2<UInt64>(repeating: 0x0101_0101_0101_0101)
        let quote = words ^ (ones &* 0x22)
        let backslash = words ^ (ones &* 0x5C)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((words &- ones &* 0x20) & ~words) | words)
            & SIMD2(repeating: 0x8080_8080_8080_8080)
    }

    /// Reads a number and returns the range of its bytes; validates the JSON number grammar.
    mutating func readNumber() throws(ScanError) -> Range<Int> {
        skipWhitespace()
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > integerStart else {
            if position < bytes.count, bytes[position] == UInt8(ascii: "I") || bytes[position] == UInt8(ascii: "N") {
                throw .notJSON("NaN or Infinity is not JSON")
            }
            throw .notJSON("expected a number")
        }
        if position - integerStart > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw .notJSON("number with a leading zero")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > fractionStart else { throw .notJSON("number without digits after the point") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            let exponentStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > exponentStart else { throw .notJSON("number without exponent digits") }
        }
        return start..<position
    }

    /// Reads a number like ``readNumber()`` and returns what
    /// ``NumberText/scaledInteger(_:_:scale:)`` returns for it: its value times 10^`scale` and
    /// whether that is exact, or nil when the value does not fit an Int64.
    ///
    /// Numbers of at most 18 digits, without sign or exponent and with no more than `scale`
    /// digits after the point, are converted while they are read. Any other text is read
    /// again by ``readNumber()``, which also raises the errors.
    mutating func readScaledNumber(scale: Int) throws(ScanError) -> (value: Int64, exact: Bool)? {
        skipWhitespace()
        let start = position
        var value: Int64 = 0
        var integerDigits = 0
        while position < bytes.count, isDigit(bytes[position]) {
            value = value &* 10 &+ Int64(bytes[position] &- UInt8(ascii: "0"))
            integerDigits += 1
            position += 1
        }
        var fractionDigits = 0
        var plain = integerDigits > 0 && (integerDigits == 1 || bytes[start] != UInt8(ascii: "0"))
        if plain, position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < bytes.count, isDigit(bytes[position]) {
                value = value &* 10 &+ Int64(bytes[position] &- UInt8(ascii: "0"))
                fractionDigits += 1
                position += 1
            }
            plain = fractionDigits > 0
        }
        if plain, integerDigits + fractionDigits <= 18, fractionDigits <= scale,
           !(position < bytes.count && bytes[position] | 0x20 == UInt8(ascii: "e")) {
            // At most 18 digits stay below 10^18, so `value` did not wrap.
            var remainingScale = scale - fractionDigits
            while remainingScale > 0 {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { break }
                value = product
                remainingScale -= 1
            }
            if remainingScale == 0 { return (value, true) }
        }
        position = start
        let range = try readNumber()
        return NumberText.scaledInteger(bytes, range, scale: scale)
    }

    /// Reads a number at the position written as digits, without a leading zero, then
    /// optionally a point and one to `scale` digits, and returns its value times 10^`scale`.
    /// For any other text (a sign, an exponent, more fraction digits, more than 12 digits
    /// before the point) or a `scale` above 6, returns nil and leaves the position, for
    /// ``readScaledNumber(scale:)``.
    ///
    /// The counts and costs that producers write take this path, which keeps its place in a
    /// local index and has none of the general reading's cases.
    @inline(__always)
    mutating func readPlainDecimal(scale: Int) -> Int64? {
        guard scale >= 0, scale <= 6, let base = bytes.baseAddress else { return nil }
        let end = bytes.count
        var index = position
        var value: Int64 = 0

        while index < end, index - position <= 12 {
            let digit = base[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        let integerDigits = index - position
        guard integerDigits > 0, integerDigits <= 12, integerDigits == 1 || base[position] != UInt8(ascii: "0"),
              index < end else { return nil }

        var remainingScale = scale
        if base[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < end, remainingScale > 0 {
                let digit = base[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                value = value &* 10 &+ Int64(digit)
                index += 1
                remainingScale -= 1
            }
            guard index > fractionStart, index < end else { return nil }
        }

        // At most 18 digits in all, so the value stays below 10^18.
        let next = base[index]
        guard next &- UInt8(ascii: "0") > 9, next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { return nil }

        while remainingScale > 0 {
            value &*= 10
            remainingScale -= 1
        }
        position = index
        return value
    }

    /// Reads `true`, `false` or `null` at the current position.
    mutating func readLiteral() throws(ScanError) -> JSONLiteral {
        skipWhitespace()
        if position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "t"): if skip(literal: "true") { return .true }
            case UInt8(ascii: "f"): if skip(literal: "false") { return .false }
            case UInt8(ascii: "n"): if skip(literal: "null") { return .null }
            default: break
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "N") || bytes[position] == UInt8(ascii: "I") {
            throw .notJSON("NaN or Infinity is not JSON")
        }
        throw .notJSON("unexpected character")
    }

    /// Moves past `text` and returns true when the bytes at the position are `text`.
    /// Otherwise returns false and leaves the position.
    ///
    /// Callers pass literals, so after inlining the comparison is of constant words. With a
    /// separator and a key, such as `, "model": `, one call replaces the reads of the comma,
    /// the key, the colon and the spaces, which are most of the work for a short value. The
    /// text must be valid JSON where it is used, plain ASCII without backslashes.
    @inline(__always)
    mutating func skip(literal text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count,
              keyEquals(Self.span(from: position, to: position + count, escaped: false), text) else { return false }
        position += count
        return true
    }

    /// Returns the kind of the next value, judged by its first byte.
    @inline(__always)
    mutating func peekKind() throws(ScanError) -> JSONKind {
        skipWhitespace()
        guard position < bytes.count else { throw .notJSON("truncated JSON") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"): throw .notJSON("NaN or Infinity is not JSON")
        default: throw .notJSON("unexpected character")
        }
    }

    /// Skips one value of any kind, validating it, without recursion.
    mutating func skipValue() throws(ScanError) {
        if readPlainString() != nil { return }
        switch try peekKind() {
        case .string:
            _ = try readString()
        case .number:
            _ = try readNumber()
        case .bool, .null:
            _ = try readLiteral()
        case .object, .array:
            try skipContainer()
        }
    }

    /// Skips an object or array, validating it, without recursion.
    ///
    /// Nesting is tracked in a bit stack, one bit per level (object or array), so a value
    /// nested deeper than `maxDepth` levels is rejected in constant memory.
    private mutating func skipContainer() throws(ScanError) {
        var containers: (UInt64) = 0
        var depth = 0
        // After an opening bracket or a comma the grammar wants a value (or a key in an object).
        while true {
            let kind = try peekKind()
            switch kind {
            case .object, .array:
                guard depth < Self.maxDepth else { throw .tooDeep }
                let isObject = kind == .object
                position += 1
                containers = (containers << 1) | (isObject ? 1 : 0)
                depth += 1
                if consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    containers >>= 1
                    depth -= 1
                    break
                }
                if isObject {
                    _ = try readString()
                    try expect(UInt8(ascii: ":"), "expected ':' after a key")
                }
                continue
            case .string:
                _ = try readString()
            case .number:
                _ = try readNumber()
            case .bool, .null:
                _ = try readLiteral()
            }
            // A value ended: close containers or move to the next element.
            while depth > 0 {
                let isObject = containers & 1 == 1
                if consume(UInt8(ascii: ",")) {
                    if isObject {
                        _ = try readString()
                        try expect(UInt8(ascii: ":"), "expected ':' after a key")
                    }
                    break
                }
                guard consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw .notJSON(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
                containers >>= 1
                depth -= 1
            }
            if depth == 0 { return }
        }
    }

    /// Returns the next key of an object, positioned at its value, or nil once the object closes.
    ///
    /// Pass `first: true` right after the opening brace was consumed by ``openObject()``.
    /// The caller must consume each value (read it or call ``skipValue()``) before asking again.
    mutating func nextKey(first: Bool) throws(ScanError) -> TextSpan? {
        // The separator, a plain key and the colon as producers write them, read without
        // whitespace checks. Anything else is read again from the start below.
        let start = position
        if first || skip(literal: ", "), let key = readPlainString(), skip(literal: ": ") {
            return key
        }
        position = start
        if first {
            if consume(UInt8(ascii: "}")) { return nil }
        } else if !consume(UInt8(ascii: ",")) {
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            return nil
        }
        let key = try readString()
        try expect(UInt8(ascii: ":"), "expected ':' after a key")
        return key
    }

    /// Moves to the next key of an object and returns true, or returns false once the object closes.
    ///
    /// After true, read the key with ``readKey()``. Pass `first` as for ``nextKey(first:)``.
    @inline(__always)
    mutating func moveToKey(first: Bool) throws(ScanError) -> Bool {
        if first {
            if consume(UInt8(ascii: "}")) { return false }
        } else if !consume(UInt8(ascii: ",")) {
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            return false
        }
        skipWhitespace()
        return true
    }

    /// Reads a key and the colon after it, and returns the key.
    mutating func readKey() throws(ScanError) -> TextSpan {
        let key = try readString()
        try expect(UInt8(ascii: ":"), "expected ':' after a key")
        return key
    }

    mutating func openObject() throws(ScanError) {
        try expect(UInt8(ascii: "{"), "expected an object")
    }

    /// True when the key's raw bytes equal `name`. An escaped key never matches, so a key
    /// written with escapes is treated as unknown.
    ///
    /// The bytes are compared in overlapping 8-byte or 4-byte words. Every load lies within the
    /// key, and after inlining with a literal `name` the name's words are constants.
    @inline(__always)
    func keyEquals(_ key: TextSpan, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard !key.escaped, Int(key.count) == count else { return false }
        guard count > 0, let base = bytes.baseAddress else { return count == 0 }
        let keyBytes = UnsafeRawPointer(base + Int(key.start))
        let nameBytes = UnsafeRawPointer(name.utf8Start)
        if count < 4 {
            return memcmp(keyBytes, nameBytes, count) == 0
        }
        if count < 8 {
            return keyBytes.loadUnaligned(as: UInt32.self) == nameBytes.loadUnaligned(as: UInt32.self)
                && keyBytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == nameBytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        var offset = 0
        while offset + 8 < count {
            if keyBytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != nameBytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        return keyBytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            == nameBytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
}

enum JSONKind {
    case object, array, string, number, bool, null
}

enum JSONLiteral {
    case `true`, `false`, null
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
    default: return nil
    }
}
