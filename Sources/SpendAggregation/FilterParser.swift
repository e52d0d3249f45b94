/// A recursive-descent parser for filter text that reads tokens one at a time, so the
/// first error from the left is the one reported.
///
/// Grammar, with `not` binding tighter than `and` and `and` tighter than `or`:
///
///     filter      = [ disjunction ]
///     disjunction = conjunction { "or" conjunction }
///     conjunction = negation { [ "and" ] negation }
///     negation    = "not" negation | primary
///     primary     = "(" disjunction ")" | term
///     term        = FIELD OPERATOR VALUE        (no whitespace inside)
struct FilterParser {
    private enum TokenKind {
        case term(FilterComparison)
        /// A run of characters that is not followed by an operator: a keyword or a mistake.
        case word(String)
        case openParen
        case closeParen
        /// A character that cannot start a token, such as `=` or a quote.
        case other(Character)
        case end
    }

    private struct Token {
        let kind: TokenKind
        /// 1-based column of the token's first character.
        let column: Int
    }

    /// Nesting limit for parentheses and `not`, so that hostile input cannot exhaust the stack.
    static let maxDepth = 100

    private static let fieldList = FilterField.allCases.map(\.rawValue).joined(separator: ", ")
    private static let operatorList = "=, !=, ~ and !~"

    private let characters: [Character]
    private var index = 0
    private var token = Token(kind: .end, column: 1)
    private var depth = 0

    init(_ text: String) {
        characters = Array(text)
    }

    mutating func parseFilter() throws(FilterError) -> FilterExpression {
        try advance()
        if case .end = token.kind {
            return .all
        }

        let expression = try parseDisjunction()
        if case .closeParen = token.kind {
            throw FilterError(
                column: token.column,
                message: "unmatched ')' at column \(token.column); remove it or add a '(' before it"
            )
        }
        return expression
    }

    // MARK: - Expressions

    private mutating func parseDisjunction() throws(FilterError) -> FilterExpression {
        var operands = [try parseConjunction()]
        while isKeyword("or") {
            try advance()
            operands.append(try parseConjunction())
        }
        return .anyOf(operands)
    }

    private mutating func parseConjunction() throws(FilterError) -> FilterExpression {
        var operands = [try parseNegation()]
        while true {
            switch token.kind {
            case .end, .closeParen:
                return .allOf(operands)
            default:
                break
            }
            if isKeyword("or") {
                return .allOf(operands)
            }
            if isKeyword("and") {
                try advance()
            }
            operands.append(try parseNegation())
        }
    }

    private mutating func parseNegation() throws(FilterError) -> FilterExpression {
        guard isKeyword("not") else {
            return try parsePrimary()
        }

        try enterNesting()
        try advance()
        let operand = try parseNegation()
        depth -= 1
        return .not(operand)
    }

    private mutating func parsePrimary() throws(FilterError) -> FilterExpression {
        let column = token.column
        switch token.kind {
        case .term(let comparison):
            try advance()
            return .comparison(comparison)

        case .openParen:
            try enterNesting()
            try advance()
            let inner = try parseDisjunction()
            guard case .closeParen = token.kind else {
                throw FilterError(column: column, message: "unclosed parenthesis at column \(column); close it with )")
            }
            depth -= 1
            try advance()
            return inner

        case .word(let word):
            throw wordError(word, column: column)

        case .closeParen:
            throw FilterError(column: column, message: "expected a field at column \(column) but found ')'")

        case .other(let character):
            throw FilterError(column: column, message: "expected a field at column \(column) but found '\(character)'")

        case .end:
            throw FilterError(
                column: column,
                message: "expected a field at column \(column) but found the end of the filter; add a term such as org=NAME or remove the trailing operator"
            )
        }
    }

    private mutating func enterNesting() throws(FilterError) {
        depth += 1
        guard depth <= FilterParser.maxDepth else {
            throw FilterError(
                column: token.column,
                message: "nesting too deep at column \(token.column); "
                    + "use at most \(FilterParser.maxDepth) levels of parentheses and 'not'"
            )
        }
    }

    private func isKeyword(_ keyword: String) -> Bool {
        guard case .word(let word) = token.kind else { return false }
        return word.lowercased() == keyword
    }

    /// Builds the error for a word where a term was expected.
    private func wordError(_ word: String, column: Int) -> FilterError {
        let lowercased = word.lowercased()
        if lowercased == "and" || lowercased == "or" || lowercased == "not" {
            return FilterError(column: column, message: "expected a field at column \(column) but found '\(word)'")
        }
        if let error = FilterParser.unknownOperatorError(in: word, column: column) {
            return error
        }
        guard let field = FilterField(rawValue: lowercased) else {
            return FilterError(
                column: column,
                message: "expected a term such as org=NAME at column \(column) but found '\(word)'"
            )
        }

        let operatorColumn = column + word.count
        let fix = field == .cached
            ? "write cached=true or cached=false"
            : "write \(field)=VALUE, \(field)!=VALUE, \(field)~VALUE or \(field)!~VALUE"
        return FilterError(
            column: operatorColumn,
            message: "missing operator after '\(word)' at column \(operatorColumn); \(fix)"
        )
    }

    // MARK: - Tokens

    private mutating func advance() throws(FilterError) {
        while index < characters.count, characters[index].isWhitespace {
            index += 1
        }

        let column = index + 1
        guard index < characters.count else {
            token = Token(kind: .end, column: column)
            return
        }

        let character = characters[index]
        switch character {
        case "(":
            index += 1
            token = Token(kind: .openParen, column: column)
        case ")":
            index += 1
            token = Token(kind: .closeParen, column: column)
        case _ where FilterParser.isWordCharacter(character):
            token = Token(kind: try readWordOrTerm(), column: column)
        default:
            index += 1
            token = Token(kind: .other(character), column: column)
        }
    }

    /// Characters of a field name or keyword: anything but whitespace, parentheses,
    /// operator characters and quotes.
    private static func isWordCharacter(_ character: Character) -> Bool {
        if character.isWhitespace { return false }
        return !"()=!~\"'".contains(character)
    }

    private mutating func readWordOrTerm() throws(FilterError) -> TokenKind {
        let start = index
        while index < characters.count, FilterParser.isWordCharacter(characters[index]) {
            index += 1
        }
        let name = String(characters[start..<index])

        let operatorColumn = index + 1
        guard let op = readOperator() else {
            if index < characters.count, characters[index] == "!" {
                throw FilterError(
                    column: operatorColumn,
                    message: "unknown operator '!' at column \(operatorColumn); operators are \(FilterParser.operatorList)"
                )
            }
            return .word(name)
        }

        let field = try FilterParser.resolveField(name, column: start + 1)
        if field == .cached, op == .contains || op == .notContains {
            throw FilterError(
                column: operatorColumn,
                message: "cached takes = or !=, not '\(op.rawValue)' (column \(operatorColumn)); "
                    + "write cached=true or cached=false"
            )
        }
        let operand = try readOperand(field: field, operator: op)
        return .term(FilterComparison(field: field, operator: op, operand: operand))
    }

    private mutating func readOperator() -> FilterOperator? {
        guard index < characters.count else { return nil }
        let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil

        switch (characters[index], next) {
        case ("=", _):
            index += 1
            return .equals
        case ("~", _):
            index += 1
            return .contains
        case ("!", "="):
            index += 2
            return .notEquals
        case ("!", "~"):
            index += 2
            return .notContains
        default:
            return nil
        }
    }

    /// Reads the value after an operator and checks it against the field.
    private mutating func readOperand(field: FilterField, operator op: FilterOperator) throws(FilterError) -> FilterOperand {
        let column = index + 1
        let prefix = field.rawValue + op.rawValue
        guard index < characters.count, !FilterParser.endsBareValue(characters[index]) else {
            let fix = field == .cached
                ? "write cached=true or cached=false"
                : "write \(prefix)NAME or \(prefix)\"a name\""
            throw FilterError(column: column, message: "missing value after '\(prefix)' at column \(column); \(fix)")
        }

        let value: String
        let isQuoted: Bool
        let first = characters[index]
        if first == "\"" || first == "'" {
            value = try readQuoted()
            isQuoted = true
        } else {
            value = readBare()
            isQuoted = false
            try FilterParser.rejectDoubledOperator(value, field: field, operator: op, column: column)
            try FilterParser.rejectJoiningEnd(value, column: column)
        }

        if field == .cached {
            guard let flag = FilterOperand.parseFlag(value) else {
                throw FilterError(column: column, message: "cached takes true or false, not '\(value)' (column \(column))")
            }
            return .flag(flag)
        }

        let isMissing = isQuoted ? value.isEmpty : value == "-"
        guard isMissing else {
            return .text(value)
        }
        if op == .contains || op == .notContains {
            let written = isQuoted ? "\"\"" : "-"
            throw FilterError(
                column: column,
                message: "'\(op.rawValue)' needs text to search for at column \(column), but \(written) means a missing field; "
                    + "write \(field)=- to match a missing \(field) or \(prefix)\"-\" to search for a dash"
            )
        }
        return .missing
    }

    private static func endsBareValue(_ character: Character) -> Bool {
        character.isWhitespace || character == ")"
    }

    private mutating func readBare() -> String {
        let start = index
        while index < characters.count, !FilterParser.endsBareValue(characters[index]) {
            index += 1
        }
        return String(characters[start..<index])
    }

    /// Reads a quoted value, where a backslash escapes the quote character or a backslash.
    /// A backslash before any other character is kept as it is.
    private mutating func readQuoted() throws(FilterError) -> String {
        let quote = characters[index]
        let column = index + 1
        index += 1

        var value = ""
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count,
               characters[index + 1] == quote || characters[index + 1] == "\\" {
                value.append(characters[index + 1])
                index += 2
                continue
            }
            index += 1
            if character == quote {
                try checkAfterClosingQuote()
                return value
            }
            value.append(character)
        }
        throw FilterError(column: column, message: "unclosed quote starting at column \(column); close it with \(quote)")
    }

    private func checkAfterClosingQuote() throws(FilterError) {
        guard index < characters.count, !FilterParser.endsBareValue(characters[index]) else { return }
        let column = index + 1
        throw FilterError(
            column: column,
            message: "unexpected '\(characters[index])' after the closing quote at column \(column); "
                + "put a space between terms or move the text inside the quotes"
        )
    }

    /// Rejects a bare value that starts with `=` or `~`, such as `org==acme` or `model=~sonnet`,
    /// because a mistyped operator is more likely than such a value. Quoting keeps such a value.
    private static func rejectDoubledOperator(
        _ value: String, field: FilterField, operator op: FilterOperator, column: Int
    ) throws(FilterError) {
        guard let first = value.first, first == "=" || first == "~" else { return }

        let rest = value.dropFirst()
        let intended: FilterOperator
        if first == "~", op == .equals {
            intended = .contains
        } else if first == "~", op == .notEquals {
            intended = .notContains
        } else {
            intended = op
        }
        throw FilterError(
            column: column,
            message: "unexpected '\(first)' at column \(column); write \(field)\(intended.rawValue)\(rest), "
                + "or quote a value that starts with '\(first)'"
        )
    }

    /// Rejects a bare value whose last character joins with a space written after it, such as
    /// one ending in U+0600 ARABIC NUMBER SIGN (a grapheme prefix). The canonical text puts a
    /// space or `)` after each value, so such a value would swallow that separator on reparsing.
    private static func rejectJoiningEnd(_ value: String, column: Int) throws(FilterError) {
        guard let last = value.last, (String(last) + " ").count == 1 else { return }

        let codes = last.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
        throw FilterError(
            column: column,
            message: "value at column \(column) ends in a character (\(codes.joined(separator: " "))) "
                + "that joins with the next one; remove it or put a letter after it"
        )
    }

    // MARK: - Fields

    private static func resolveField(_ name: String, column: Int) throws(FilterError) -> FilterField {
        if let field = FilterField(rawValue: name.lowercased()) {
            return field
        }
        if let error = unknownOperatorError(in: name, column: column) {
            throw error
        }

        var message = "unknown field '\(name)' at column \(column); "
        if let suggestion = suggestField(for: name) {
            message += "did you mean '\(suggestion)'? Fields are \(fieldList)"
        } else {
            message += "fields are \(fieldList)"
        }
        throw FilterError(column: column, message: message)
    }

    /// Finds an operator from other query languages, as in `org:acme` or `org>=x`,
    /// right after a field name.
    private static func unknownOperatorError(in word: String, column: Int) -> FilterError? {
        guard let position = word.firstIndex(where: { ":<>".contains($0) }) else { return nil }
        guard FilterField(rawValue: word[..<position].lowercased()) != nil else { return nil }

        let operatorColumn = column + word.distance(from: word.startIndex, to: position)
        return FilterError(
            column: operatorColumn,
            message: "unknown operator '\(word[position])' at column \(operatorColumn); operators are \(operatorList)"
        )
    }

    /// Names that users coming from the event schema may type for a field.
    private static let fieldAliases: [String: FilterField] = [
        "organization": .org,
        "organisation": .org,
        "request_type": .type,
        "requesttype": .type,
        "is_cached": .cached,
    ]

    /// Returns the field whose name is within edit distance 2 of `name`, or a known alias.
    static func suggestField(for name: String) -> FilterField? {
        let lowercased = name.lowercased()
        if let field = fieldAliases[lowercased] {
            return field
        }

        var best: (field: FilterField, distance: Int)?
        for field in FilterField.allCases {
            let distance = editDistance(lowercased, field.rawValue)
            // A distance as long as the name itself would suggest a field for any short word.
            guard distance <= 2, distance < lowercased.count else { continue }
            if best == nil || distance < best!.distance {
                best = (field, distance)
            }
        }
        return best?.field
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let source = Array(a)
        let target = Array(b)
        guard !source.isEmpty else { return target.count }
        guard !target.isEmpty else { return source.count }

        var previous = Array(0...target.count)
        for i in 1...source.count {
            var current = [i] + [Int](repeating: 0, count: target.count)
            for j in 1...target.count {
                let substitution = previous[j - 1] + (source[i - 1] == target[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[target.count]
    }
}
