/// A field that a filter term tests.
public enum FilterField: String, CaseIterable, Sendable {
    case org
    case provider
    case model
    case service
    case user
    /// The request type, such as `chat` or `embedding`.
    case type
    /// Whether the response came from a cache instead of the provider.
    case cached

    /// Creates the filter field of a grouping dimension, for drill-down from a report row.
    public init(_ dimension: Dimension) {
        switch dimension {
        case .provider: self = .provider
        case .model: self = .model
        case .service: self = .service
        case .organization: self = .org
        case .user: self = .user
        case .requestType: self = .type
        }
    }
}

/// The values of one event (or one combination of dimension values) that a filter tests.
public struct FilterSubject: Equatable, Hashable, Sendable {
    public var provider: String?
    public var model: String?
    public var service: String?
    public var organization: String?
    public var user: String?
    public var requestType: String?
    public var cached: Bool

    public init(
        provider: String? = nil, model: String? = nil, service: String? = nil,
        organization: String? = nil, user: String? = nil, requestType: String? = nil,
        cached: Bool = false
    ) {
        self.provider = provider
        self.model = model
        self.service = service
        self.organization = organization
        self.user = user
        self.requestType = requestType
        self.cached = cached
    }

    /// Returns the value of a field as text (`true` or `false` for `cached`), or nil when the event has none.
    func text(of field: FilterField) -> String? {
        switch field {
        case .org: return organization
        case .provider: return provider
        case .model: return model
        case .service: return service
        case .user: return user
        case .type: return requestType
        case .cached: return cached ? "true" : "false"
        }
    }
}

/// A parse error in filter text.
public struct FilterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based column of the offending token, counted in characters.
    public let column: Int
    /// A full sentence that names the column and the fix.
    public let message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { message }
}

/// A compiled filter expression over event fields.
///
/// The language is a sequence of terms `FIELD OP VALUE` with no spaces inside a term,
/// for example `org=acme provider!=openai model~sonnet cached=true`.
///
/// - Operators: `=` (equals, case-sensitive), `!=`, `~` (contains, case-insensitive)
///   and `!~`.
/// - Terms next to each other, or joined by `and`, must all match. `or`, `not` and
///   parentheses combine terms, and `not` binds tighter than `and`, which binds tighter
///   than `or`. Keywords and field names are case-insensitive.
/// - A value is a bare word that runs up to whitespace, `)` or the end, or a quoted
///   string in `"` or `'` where `\` escapes the quote character and `\` itself.
/// - The bare word `-` and the empty quotes `""` mean "the field is missing", so
///   `user=-` matches events without a user and `user!=-` matches events with one.
///   A missing field never equals a value, so `org!=acme` matches events without an org.
/// - `cached` takes `true`, `false`, `yes`, `no`, `1` or `0`, with `=` or `!=` only.
///
/// An empty or all-whitespace text is the filter that matches every event.
public struct Filter: Equatable, Hashable, Sendable {
    /// The expression tree that `matches(_:)` evaluates.
    let expression: FilterExpression

    /// The canonical text of the filter, empty for ``all``.
    ///
    /// Parsing this text returns an equal filter. Field names and keywords are lowercase,
    /// `and` is written as a space, boolean values are `true` or `false`, and parentheses
    /// appear only where precedence needs them.
    public let text: String

    init(_ expression: FilterExpression) {
        self.expression = expression
        self.text = expression.canonicalText
    }

    /// The filter that matches every event.
    public static let all = Filter(.all)

    /// Parses filter text into an expression tree.
    public static func parse(_ text: String) throws(FilterError) -> Filter {
        var parser = FilterParser(text)
        return Filter(try parser.parseFilter())
    }

    /// True when the filter matches every event.
    public var isEmpty: Bool { expression == .all }

    /// Returns the canonical text with every value compared to `user` replaced by `replace(value)`,
    /// so a filter can be shown without the user ids it names.
    public func text(replacingUserValues replace: (String) -> String) -> String {
        expression.replacingUserValues(replace).canonicalText
    }

    public func matches(_ subject: FilterSubject) -> Bool {
        expression.matches(subject)
    }

    /// Combines two filters so that both must match, as in drill-down from a row.
    public func and(_ other: Filter) -> Filter {
        if isEmpty { return other }
        if other.isEmpty { return self }
        return Filter(.allOf([expression, other.expression]))
    }

    /// Builds the equality term `field=value`, where a nil value means the field is missing.
    ///
    /// For `.cached`, the value must be one of the words that `cached` accepts
    /// (`true`, `false`, `yes`, `no`, `1`, `0`); any other value stops the program.
    public static func term(field: FilterField, value: String?) -> Filter {
        let operand: FilterOperand
        if field == .cached {
            guard let value, let flag = FilterOperand.parseFlag(value) else {
                preconditionFailure("cached takes true or false, not \(value.map { "'\($0)'" } ?? "nil")")
            }
            operand = .flag(flag)
        } else if let value, !value.isEmpty {
            operand = .text(value)
        } else {
            operand = .missing
        }
        return Filter(.comparison(FilterComparison(field: field, operator: .equals, operand: operand)))
    }

    /// Builds the term `cached=true` or `cached=false`.
    public static func term(cached: Bool) -> Filter {
        Filter(.comparison(FilterComparison(field: .cached, operator: .equals, operand: .flag(cached))))
    }
}

extension Filter: CustomStringConvertible {
    public var description: String { text }
}
