import SpendEvents

/// Text renderings of a ``QueryResult``: JSON, CSV and an aligned table.
public enum ReportFormat {
    /// Renders the JSON document of `spendtop report --format json`. `top` limits the rows per dimension.
    public static func json(_ result: QueryResult, top: Int? = nil) -> String {
        var out = "{\n"
        let start = result.start.map { "\"\(Timestamps.iso8601(seconds: $0))\"" } ?? "null"
        out += "  \"window\": {\"name\": \"\(result.window.rawValue)\", \"start\": \(start), \"end\": \"\(Timestamps.iso8601(seconds: result.end))\"},\n"
        out += "  \"filter\": \(result.filter.isEmpty ? "null" : jsonString(result.filter)),\n"
        let counts = result.counts
        out += "  \"counts\": {\"messages\": \(counts.messages), \"events\": \(counts.events), "
        out += "\"duplicates\": \(counts.duplicates), \"late\": \(counts.late),\n"
        out += "             \"skipped\": {\"not_json\": \(counts.skipped(.notJSON)), "
        out += "\"other_event_type\": \(counts.skipped(.otherEventType)), \"invalid\": \(counts.skipped(.invalid))}},\n"
        out += "  \"total\": \(jsonRow(result.total)),\n"
        out += "  \"by\": {\n"
        for (index, dimension) in Dimension.allCases.enumerated() {
            let rows = limited(result.rows[dimension] ?? [], top)
            out += "    \"\(dimension.rawValue)\": ["
            if rows.isEmpty {
                out += "]"
            } else {
                out += "\n" + rows.map { "      " + jsonRow($0) }.joined(separator: ",\n") + "\n    ]"
            }
            out += index == Dimension.allCases.count - 1 ? "\n" : ",\n"
        }
        out += "  }\n}\n"
        return out
    }

    static func jsonRow(_ row: ReportRow) -> String {
        let key = row.key.map(jsonString) ?? "null"
        let latency = row.latency
        return "{\"key\": \(key), \"requests\": \(row.requests), \"spend_usd\": \(row.spend.decimalString), "
            + "\"cache_hits\": \(row.cacheHits), \"cache_savings_usd\": \(row.cacheSavings.decimalString), "
            + "\"cache_savings_estimated\": \(row.cacheSavingsEstimated), "
            + "\"prompt_tokens\": \(row.promptTokens), \"completion_tokens\": \(row.completionTokens), "
            + "\"total_tokens\": \(row.totalTokens), \"cached_tokens\": \(row.cachedTokens), "
            + "\"latency_ms\": {\"p50\": \(latency.p50), \"p90\": \(latency.p90), \"p95\": \(latency.p95), "
            + "\"p99\": \(latency.p99), \"max\": \(latency.max)}}"
    }

    /// Returns a JSON string literal for `text`, escaping quotes, backslashes and control characters.
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
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
