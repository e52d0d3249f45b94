/// A comparison operator of a filter term.
enum FilterOperator: String, Sendable {
    case equals = "="
    case notEquals = "!="
    case contains = "~"
    case notContains = "!~"
}

/// The right-hand side of a filter term.
enum FilterOperand: Hashable, Sendable {
    /// The field is missing, written `-` or `""`.
    case missing
    /// A non-empty string value.
    case text(String)
    /// A value of `cached`.
    case flag(Bool)

    /// Reads a `cached` value, case-insensitively, or returns nil for any other word.
    static func parseFlag(_ word: String) -> Bool? {
        switch word.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: return nil
        }
    }
}

/// One `FIELD OP VALUE` term.
struct FilterComparison: Hashable, Sendable {
    let field: FilterField
    let `operator`: FilterOperator
    let operand: FilterOperand
    /// The lowercased text of a `~` or `!~` operand, computed once at parse time.
    let foldedText: String?

    init(field: FilterField, operator: FilterOperator, operand: FilterOperand) {
        self.field = field
        self.operator = `operator`
        self.operand = operand
        if case .text(let text) = operand {
            self.foldedText = text.lowercased()
        } else {
            self.foldedText = nil
        }
    }

    func matches(_ subject: FilterSubject) -> Bool {
        if case .flag(let flag) = operand {
            switch `operator` {
            case .equals: return subject.cached == flag
            case .notEquals: return subject.cached != flag
            case .contains: return false
            case .notContains: return true
            }
        }
        return matches(value: subject.text(of: field))
    }

    /// Returns whether one value of this term's field matches, as `matches(_:)` does for a
    /// subject whose only value is `value`. Resolving a filter calls it once per key.
    func matches(value: String?) -> Bool {
        switch `operator` {
        case .equals: return equals(value)
        case .notEquals: return !equals(value)
        case .contains: return contains(value)
        case .notContains: return !contains(value)
        }
    }

    private func equals(_ value: String?) -> Bool {
        switch operand {
        case .missing: return value == nil
        case .text(let text): return value == text
        case .flag(let flag): return !flag
        }
    }

    /// Tests for a case-insensitive substring. A missing field contains nothing.
    ///
    /// NOTE: `lowercased()` is not full Unicode case folding, so `ß` does not match `SS`.
    private func contains(_ value: String?) -> Bool {
        guard let foldedText, let value else { return false }
        if let answer = Self.printableASCIIContains(value, foldedText) { return answer }
        return value.lowercased().contains(foldedText)
    }

    /// Returns `value.lowercased().contains(folded)` without allocating when both are printable
    /// ASCII (lowercasing is then per byte and every byte is a character), or nil otherwise.
    private static func printableASCIIContains(_ value: String, _ folded: String) -> Bool? {
        var value = value
        var folded = folded
        return value.withUTF8 { haystack -> Bool? in
            folded.withUTF8 { needle -> Bool? in
                for byte in needle where byte < 0x20 || byte > 0x7E { return nil }
                for byte in haystack where byte < 0x20 || byte > 0x7E { return nil }
                guard needle.count <= haystack.count else { return false }
                if needle.isEmpty { return true }
                @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
                for start in 0...(haystack.count - needle.count) {
                    var offset = 0
                    while offset < needle.count, lower(haystack[start + offset]) == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                return false
            }
        }
    }

    var canonicalText: String {
        let value: String
        switch operand {
        case .missing: value = "-"
        case .text(let text): value = FilterComparison.quotedIfNeeded(text)
        case .flag(let flag): value = flag ? "true" : "false"
        }
        return field.rawValue + `operator`.rawValue + value
    }

    /// Writes a value as a bare word when the parser would read it back unchanged,
    /// and otherwise in double quotes with `"` and `\` escaped.
    static func quotedIfNeeded(_ text: String) -> String {
        let needsQuotes = text.isEmpty
            || text == "-"
            || text.first == "\""
            || text.first == "'"
            || text.first == "="
            || text.first == "~"
            || text.contains(where: { $0.isWhitespace || $0 == ")" })
        guard needsQuotes else { return text }

        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" {
                quoted.append("\\")
            }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted
    }
}

/// The expression tree of a filter.
indirect enum FilterExpression: Hashable, Sendable {
    /// Matches every event.
    case all
    case comparison(FilterComparison)
    case not(FilterExpression)
    /// Matches when every operand matches; never nested directly in another conjunction.
    case conjunction([FilterExpression])
    /// Matches when any operand matches; never nested directly in another disjunction.
    case disjunction([FilterExpression])

    /// Joins operands with `and`, merging nested conjunctions so that equal filters compare equal.
    static func allOf(_ operands: [FilterExpression]) -> FilterExpression {
        var flattened: [FilterExpression] = []
        for operand in operands {
            if case .conjunction(let inner) = operand {
                flattened.append(contentsOf: inner)
            } else {
                flattened.append(operand)
            }
        }
        return flattened.count == 1 ? flattened[0] : .conjunction(flattened)
    }

    /// Joins operands with `or`, merging nested disjunctions.
    static func anyOf(_ operands: [FilterExpression]) -> FilterExpression {
        var flattened: [FilterExpression] = []
        for operand in operands {
            if case .disjunction(let inner) = operand {
                flattened.append(contentsOf: inner)
            } else {
                flattened.append(operand)
            }
        }
        return flattened.count == 1 ? flattened[0] : .disjunction(flattened)
    }

    func matches(_ subject: FilterSubject) -> Bool {
        switch self {
        case .all: return true
        case .comparison(let comparison): return comparison.matches(subject)
        case .not(let operand): return !operand.matches(subject)
        case .conjunction(let operands): return operands.allSatisfy { $0.matches(subject) }
        case .disjunction(let operands): return operands.contains { $0.matches(subject) }
        }
    }

    /// Returns the expression with each text value of a `user` comparison passed through `replace`.
    func replacingUserValues(_ replace: (String) -> String) -> FilterExpression {
        switch self {
        case .all:
            return self
        case .comparison(let comparison):
            guard comparison.field == .user, case .text(let value) = comparison.operand else { return self }
            return .comparison(FilterComparison(field: .user, operator: comparison.operator, operand: .text(replace(value))))
        case .not(let operand):
            return .not(operand.replacingUserValues(replace))
        case .conjunction(let operands):
            return .conjunction(operands.map { $0.replacingUserValues(replace) })
        case .disjunction(let operands):
            return .disjunction(operands.map { $0.replacingUserValues(replace) })
        }
    }

    /// The text of the expression with parentheses only where precedence needs them.
    var canonicalText: String {
        switch self {
        case .all:
            return ""
        case .comparison(let comparison):
            return comparison.canonicalText
        case .not(let operand):
            switch operand {
            case .conjunction, .disjunction: return "not (\(operand.canonicalText))"
            default: return "not \(operand.canonicalText)"
            }
        case .conjunction(let operands):
            let parts = operands.map { operand in
                if case .disjunction = operand {
                    return "(\(operand.canonicalText))"
                }
                return operand.canonicalText
            }
            return parts.joined(separator: " ")
        case .disjunction(let operands):
            return operands.map(\.canonicalText).joined(separator: " or ")
        }
    }
}
