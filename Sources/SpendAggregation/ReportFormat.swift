import SpendEvents

/// Text renderings of a ``QueryResult``: JSON, CSV and an aligned table.
public enum ReportFormat {
    /// Renders the JSON document of `spendtop report --format json`. `top` limits the rows per dimension.
    ///
    /// The document is built as UTF-8 bytes and converted once, because a report over 100,000
    /// users has as many rows and string interpolation per row dominated the command's run time.
    public static func json(_ result: QueryResult, top: Int? = nil) -> String {
        String(decoding: jsonBytes(result, top: top), as: UTF8.self)
    }

    /// Returns the UTF-8 bytes of ``json(_:top:)``, for writing them without a conversion.
    public static func jsonBytes(_ result: QueryResult, top: Int? = nil) -> [UInt8] {
        var out = JSONBytes()
        out.append("{\n")
        out.append("  \"window\": {\"name\": \"\(result.window.rawValue)\", \"start\": ")
        if let start = result.start {
            out.append("\"\(Timestamps.iso8601(seconds: start))\"")
        } else {
            out.append("null")
        }
        out.append(", \"end\": \"\(Timestamps.iso8601(seconds: result.end))\"},\n")
        out.append("  \"filter\": ")
        if result.filter.isEmpty {
            out.append("null")
        } else {
            out.appendString(result.filter)
        }
        out.append(",\n")
        let counts = result.counts
        out.append("  \"counts\": {\"messages\": \(counts.messages), \"events\": \(counts.events), ")
        out.append("\"duplicates\": \(counts.duplicates), \"late\": \(counts.late),\n")
        out.append("             \"skipped\": {\"not_json\": \(counts.skipped(.notJSON)), ")
        out.append("\"other_event_type\": \(counts.skipped(.otherEventType)), \"invalid\": \(counts.skipped(.invalid))}},\n")
        out.append("  \"total\": ")
        out.appendRow(result.total)
        out.append(",\n")
        out.append("  \"by\": {\n")
        for (index, dimension) in Dimension.allCases.enumerated() {
            let rows = limited(result.rows[dimension] ?? [], top)
            out.append("    \"\(dimension.rawValue)\": [")
            if rows.isEmpty {
                out.append("]")
            } else {
                for (rowIndex, row) in rows.enumerated() {
                    out.appendLiteral(rowIndex == 0 ? "\n      " : ",\n      ")
                    out.appendRow(row)
                }
                out.append("\n    ]")
            }
            out.append(index == Dimension.allCases.count - 1 ? "\n" : ",\n")
        }
        out.append("  }\n}\n")
        return out.finish()
    }

    static func jsonRow(_ row: ReportRow) -> String {
        var out = JSONBytes()
        out.appendRow(row)
        return String(decoding: out.finish(), as: UTF8.self)
    }

    /// Returns a JSON string literal for `text`, escaping quotes, backslashes and control characters.
    public static func jsonString(_ text: String) -> String {
        var out = JSONBytes()
        out.appendString(text)
        return String(decoding: out.finish(), as: UTF8.self)
    }

    /// Renders CSV with a header line, one line for the total and one per row of each dimension.
    public static func csv(_ result: QueryResult, top: Int? = nil) -> String {
        var out = "dimension,key,requests,spend_usd,cache_hits,cache_savings_usd,cache_savings_estimated,"
            + "prompt_tokens,completion_tokens,total_tokens,cached_tokens,p50_ms,p90_ms,p95_ms,p99_ms,max_ms\n"
        out += csvLine("total", result.total)
        for dimension in Dimension.allCases {
            for row in limited(result.rows[dimension] ?? [], top) {
                out += csvLine(dimension.rawValue, row)
            }
        }
        return out
    }

    private static func csvLine(_ dimension: String, _ row: ReportRow) -> String {
        let latency = row.latency
        let fields = [
            dimension, csvField(row.key ?? ""), "\(row.requests)", row.spend.decimalString, "\(row.cacheHits)",
            row.cacheSavings.decimalString, "\(row.cacheSavingsEstimated)", "\(row.promptTokens)",
            "\(row.completionTokens)", "\(row.totalTokens)", "\(row.cachedTokens)", "\(latency.p50)",
            "\(latency.p90)", "\(latency.p95)", "\(latency.p99)", "\(latency.max)",
        ]
        return fields.joined(separator: ",") + "\n"
    }

    /// Returns a CSV field, quoted (RFC 4180) when it contains a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// Renders an aligned plain-text table: a heading, a line of counts, the total and the top rows per dimension.
    public static func table(_ result: QueryResult, top: Int = 10) -> String {
        let end = Timestamps.iso8601(seconds: result.end)
        let range = result.start.map { "\(Timestamps.iso8601(seconds: $0)) to \(end)" } ?? "every event up to \(end)"
        let counts = result.counts
        var out = "window \(result.window.rawValue) (\(range), UTC)   filter: \(result.filter.isEmpty ? "none" : result.filter)\n"
        out += "messages \(counts.messages)   events \(counts.events)   duplicates \(counts.duplicates)   late \(counts.late)   "
        out += "skipped: not_json \(counts.skipped(.notJSON)), other_event_type \(counts.skipped(.otherEventType)), "
        out += "invalid \(counts.skipped(.invalid))\n\n"

        let headings = ["REQUESTS", "SPEND USD", "CACHE HITS", "SAVED USD", "PROMPT TOK", "COMPL TOK", "CACHED TOK",
                        "P50 ms", "P90 ms", "P95 ms", "P99 ms", "MAX ms"]
        var sections: [(String, [ReportRow])] = [("TOTAL", [result.total])]
        for dimension in Dimension.allCases {
            sections.append((dimension.rawValue.uppercased().replacing("_", with: " "), limited(result.rows[dimension] ?? [], top)))
        }
        let keyWidth = min(40, max(12, sections.flatMap { $0.1 }.map { displayKey($0).count }.max() ?? 0))
        for (title, rows) in sections {
            let heading = pad(title, keyWidth) + headings.map { leftPad($0, 11) }.joined(separator: " ")
            out += heading + "\n"
            for row in rows {
                var cells = [
                    "\(row.requests)", row.spend.decimalString, "\(row.cacheHits)",
                    row.cacheSavings.decimalString + (row.cacheSavingsEstimated ? "~" : ""),
                    "\(row.promptTokens)", "\(row.completionTokens)", "\(row.cachedTokens)",
                ]
                cells += [row.latency.p50, row.latency.p90, row.latency.p95, row.latency.p99, row.latency.max].map { "\($0)" }
                let key = title == "TOTAL" ? "all" : displayKey(row)
                out += pad(truncate(key, keyWidth - 1), keyWidth) + cells.map { leftPad($0, 11) }.joined(separator: " ") + "\n"
            }
            let shown = rows.count
            let available = title == "TOTAL" ? 1 : (result.rows.first { $0.key.rawValue.uppercased().replacing("_", with: " ") == title }?.value.count ?? shown)
            if available > shown {
                out += "  … \(available - shown) more; --top N shows more\n"
            }
            out += "\n"
        }
        out += "~ marks savings estimated from the model's or provider's rate. Percentiles are within 1%.\n"
        return out
    }

    private static func displayKey(_ row: ReportRow) -> String {
        row.key ?? "(none)"
    }

    private static func limited(_ rows: [ReportRow], _ top: Int?) -> [ReportRow] {
        guard let top, rows.count > top else { return rows }
        return Array(rows.prefix(top))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func truncate(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

/// A JSON document under construction, as UTF-8 bytes.
///
/// The bytes are written in place into `storage`, which is kept longer than the document and
/// doubled when full, because `Array.append(contentsOf:)` cost about 100 instructions per call
/// and a row makes about 30 appends.
struct JSONBytes {
    /// The document in its first `count` bytes, then zeros.
    private var storage: [UInt8] = Array(repeating: 0, count: 1 << 12)
    private var count = 0

    /// Returns the document and leaves this one empty.
    mutating func finish() -> [UInt8] {
        storage.removeSubrange(count...)
        count = 0
        return storage
    }

    /// Copies `source` to the end of the document.
    @inline(__always)
    private mutating func write(_ source: UnsafeRawBufferPointer) {
        guard let sourceBase = source.baseAddress, source.count > 0 else { return }
        reserve(source.count)
        let offset = count
        storage.withUnsafeMutableBytes { target in
            (target.baseAddress! + offset).copyMemory(from: sourceBase, byteCount: source.count)
        }
        count += source.count
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(storage.count, count + extra - storage.count)))
        }
    }

    mutating func appendByte(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    mutating func append(_ text: String) {
        var copy = text
        copy.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends fixed text.
    mutating func appendLiteral(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the decimal digits of `value`.
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { appendByte(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, minimumCount: 1)
    }

    /// Appends the decimal digits of `value`, padded with leading zeros to `minimumCount` digits.
    private mutating func appendDigits(_ value: UInt64, minimumCount: Int) {
        var digitCount = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digitCount += 1
        }
        digitCount = max(digitCount, minimumCount)
        reserve(digitCount)
        let end = count + digitCount
        storage.withUnsafeMutableBufferPointer { target in
            // The last digit first; each step divides by the constant 10.
            var remaining = value
            for index in stride(from: end - 1, through: end - digitCount, by: -1) {
                target[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
        }
        count = end
    }

    /// Appends `money` with exactly six decimals, as ``Money/decimalString`` writes it.
    mutating func appendMoney(_ money: Money) {
        if money.micros < 0 { appendByte(UInt8(ascii: "-")) }
        let magnitude = money.micros.magnitude
        appendDigits(magnitude / 1_000_000, minimumCount: 1)
        appendByte(UInt8(ascii: "."))
        appendDigits(magnitude % 1_000_000, minimumCount: 6)
    }

    /// Appends `text` as a JSON string literal, escaping quotes, backslashes and control characters.
    mutating func appendString(_ text: String) {
        appendByte(UInt8(ascii: "\""))
        let copied = text.utf8.withContiguousStorageIfAvailable { buffer in
            // Most keys need no escape, so their bytes are copied at once.
            guard !buffer.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            write(UnsafeRawBufferPointer(buffer))
            return true
        } ?? false
        if !copied {
            for byte in text.utf8 {
                appendEscaped(byte)
            }
        }
        appendByte(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0..<0x20:
            let hex = String(byte, radix: 16)
            append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        default:
            appendByte(byte)
        }
    }

    mutating func appendRow(_ row: ReportRow) {
        appendLiteral("{\"key\": ")
        if let key = row.key {
            appendString(key)
        } else {
            appendLiteral("null")
        }
        appendLiteral(", \"requests\": ")
        appendInteger(row.requests)
        appendLiteral(", \"spend_usd\": ")
        appendMoney(row.spend)
        appendLiteral(", \"cache_hits\": ")
        appendInteger(row.cacheHits)
        appendLiteral(", \"cache_savings_usd\": ")
        appendMoney(row.cacheSavings)
        appendLiteral(row.cacheSavingsEstimated ? ", \"cache_savings_estimated\": true" : ", \"cache_savings_estimated\": false")
        appendLiteral(", \"prompt_tokens\": ")
        appendInteger(row.promptTokens)
        appendLiteral(", \"completion_tokens\": ")
        appendInteger(row.completionTokens)
        appendLiteral(", \"total_tokens\": ")
        appendInteger(row.totalTokens)
        appendLiteral(", \"cached_tokens\": ")
        appendInteger(row.cachedTokens)
        let latency = row.latency
        appendLiteral(", \"latency_ms\": {\"p50\": ")
        appendInteger(latency.p50)
        appendLiteral(", \"p90\": ")
        appendInteger(latency.p90)
        appendLiteral(", \"p95\": ")
        appendInteger(latency.p95)
        appendLiteral(", \"p99\": ")
        appendInteger(latency.p99)
        appendLiteral(", \"max\": ")
        appendInteger(latency.max)
        appendLiteral("}}")
    }
}
