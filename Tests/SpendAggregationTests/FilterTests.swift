import SpendAggregation
import XCTest

final class FilterTests: XCTestCase {
    /// An uncached OpenAI chat event with every field set.
    private let openAIEvent = FilterSubject(
        provider: "openai", model: "gpt-4o-mini", service: "cj_assessment_service",
        organization: "acme", user: "u-17", requestType: "chat", cached: false
    )
    /// A cached Anthropic event without organization or user.
    private let anthropicEvent = FilterSubject(
        provider: "anthropic", model: "claude-3-5-Sonnet", service: "essay_service",
        organization: nil, user: nil, requestType: "completion", cached: true
    )

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Filter {
        do {
            return try Filter.parse(text)
        } catch {
            XCTFail("parse(\(text)) threw: \(error.message)", file: file, line: line)
            return .all
        }
    }

    private func assertMatches(
        _ text: String, _ subject: FilterSubject, _ expected: Bool,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let filter = parse(text, file: file, line: line)
        XCTAssertEqual(filter.matches(subject), expected, "\(text) on \(subject)", file: file, line: line)
    }

    private func assertError(
        _ text: String, column: Int, _ message: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let filter = try Filter.parse(text)
            XCTFail("parse(\(text)) returned \(filter.text), expected an error", file: file, line: line)
        } catch {
            XCTAssertEqual(error.message, message, "message for \(text)", file: file, line: line)
            XCTAssertEqual(error.column, column, "column for \(text)", file: file, line: line)
        }
    }

    // MARK: - Empty filter

    func testEmptyTextMatchesEverything() {
        for text in ["", "   ", " \t\n "] {
            let filter = parse(text)
            XCTAssertTrue(filter.isEmpty, "'\(text)'")
            XCTAssertEqual(filter, Filter.all, "'\(text)'")
            XCTAssertEqual(filter.text, "", "'\(text)'")
            XCTAssertTrue(filter.matches(openAIEvent), "'\(text)'")
            XCTAssertTrue(filter.matches(anthropicEvent), "'\(text)'")
        }
        XCTAssertFalse(parse("org=acme").isEmpty)
    }

    // MARK: - Operators and fields

    func testEqualsOnEveryField() {
        let cases: [(String, Bool, Bool)] = [
            ("org=acme", true, false),
            ("provider=openai", true, false),
            ("provider=anthropic", false, true),
            ("model=gpt-4o-mini", true, false),
            ("service=cj_assessment_service", true, false),
            ("user=u-17", true, false),
            ("type=chat", true, false),
            ("type=completion", false, true),
            ("cached=true", false, true),
            ("cached=false", true, false),
        ]
        for (text, openAI, anthropic) in cases {
            assertMatches(text, openAIEvent, openAI)
            assertMatches(text, anthropicEvent, anthropic)
        }
    }

    func testEqualsIsExactAndCaseSensitive() {
        assertMatches("org=Acme", openAIEvent, false)
        assertMatches("org=acm", openAIEvent, false)
        assertMatches("model=gpt-4o", openAIEvent, false)
        assertMatches("model=claude-3-5-sonnet", anthropicEvent, false)
    }

    func testNotEquals() {
        assertMatches("provider!=openai", openAIEvent, false)
        assertMatches("provider!=openai", anthropicEvent, true)
        assertMatches("model!=gpt-4o", openAIEvent, true)
        assertMatches("cached!=true", openAIEvent, true)
        assertMatches("cached!=true", anthropicEvent, false)
    }

    func testContainsIsCaseInsensitive() {
        assertMatches("model~sonnet", anthropicEvent, true)
        assertMatches("model~SONNET", anthropicEvent, true)
        assertMatches("model~Sonnet", openAIEvent, false)
        assertMatches("model~4O-MINI", openAIEvent, true)
        assertMatches("service~assessment", openAIEvent, true)
        assertMatches("org~CM", openAIEvent, true)
    }

    func testContainsMatchesLowercasedValue() {
        // The term is matched without allocating when both sides are printable ASCII, and by
        // lowercasing otherwise. Both must agree with lowercasing the value.
        let values = ["Teacher_000123", "TEACHER", "teach", "", "x teacher", "L\u{E4}rare_7", "L\u{C4}RARE", "a\r\nb", "tab\there", "\u{1F600}teacher"]
        let needles = ["teacher", "TEACH", "r_0", "\u{E4}r", "\u{C4}R", "\r", "\t", "e"]
        for value in values {
            for needle in needles {
                let expected = value.lowercased().contains(needle.lowercased())
                let filter = parse("user~\"\(needle)\"")
                XCTAssertEqual(filter.matches(FilterSubject(user: value)), expected, "\(value) ~ \(needle)")
            }
        }
    }

    func testNotContains() {
        assertMatches("model!~sonnet", anthropicEvent, false)
        assertMatches("model!~sonnet", openAIEvent, true)
        assertMatches("provider!~OPEN", openAIEvent, false)
    }

    // MARK: - Missing fields

    func testMissingFieldNeverEqualsValue() {
        assertMatches("org=acme", anthropicEvent, false)
        assertMatches("org!=acme", anthropicEvent, true)
        assertMatches("org~a", anthropicEvent, false)
        assertMatches("org!~a", anthropicEvent, true)
    }

    func testDashAndEmptyQuotesMeanMissing() {
        for text in ["user=-", "user=\"\"", "user=''"] {
            assertMatches(text, anthropicEvent, true)
            assertMatches(text, openAIEvent, false)
        }
        for text in ["user!=-", "user!=\"\""] {
            assertMatches(text, anthropicEvent, false)
            assertMatches(text, openAIEvent, true)
        }
        XCTAssertEqual(parse("user=\"\""), parse("user=-"))
        XCTAssertEqual(parse("user=\"\"").text, "user=-")
    }

    func testQuotedDashIsLiteralDash() {
        let dashUser = FilterSubject(user: "-")
        assertMatches("user=\"-\"", dashUser, true)
        assertMatches("user=\"-\"", anthropicEvent, false)
        assertMatches("user=-", dashUser, false)
        assertMatches("model~\"-\"", openAIEvent, true)
    }

    // MARK: - cached

    func testCachedValueSpellings() {
        for word in ["true", "TRUE", "yes", "Yes", "1", "\"true\""] {
            let filter = parse("cached=\(word)")
            XCTAssertEqual(filter.text, "cached=true", word)
            XCTAssertTrue(filter.matches(anthropicEvent), word)
            XCTAssertFalse(filter.matches(openAIEvent), word)
        }
        for word in ["false", "False", "no", "NO", "0", "'no'"] {
            let filter = parse("cached=\(word)")
            XCTAssertEqual(filter.text, "cached=false", word)
            XCTAssertTrue(filter.matches(openAIEvent), word)
            XCTAssertFalse(filter.matches(anthropicEvent), word)
        }
    }

    // MARK: - Boolean structure

    func testImplicitAndExplicitAnd() {
        for text in ["org=acme provider=openai", "org=acme and provider=openai", "org=acme AND provider=openai"] {
            assertMatches(text, openAIEvent, true)
        }
        assertMatches("org=acme provider=anthropic", openAIEvent, false)
        assertMatches("org=acme and provider=anthropic", openAIEvent, false)
        XCTAssertEqual(parse("org=acme and provider=openai"), parse("org=acme provider=openai"))
    }

    func testDesignExample() {
        let filter = parse("org=acme provider!=openai model~sonnet service=cj_assessment_service cached=true")
        let subject = FilterSubject(
            provider: "anthropic", model: "claude-sonnet-4", service: "cj_assessment_service",
            organization: "acme", cached: true
        )
        XCTAssertTrue(filter.matches(subject))
        var uncached = subject
        uncached.cached = false
        XCTAssertFalse(filter.matches(uncached))
        XCTAssertFalse(filter.matches(openAIEvent))
    }

    func testOrBindsLooserThanAnd() {
        // Read as org=acme or (provider=anthropic and model~nothing), so the first term decides.
        let text = "org=acme or provider=anthropic model~nothing"
        assertMatches(text, openAIEvent, true)
        assertMatches(text, anthropicEvent, false)
        assertMatches("provider=anthropic model~nothing or org=acme", openAIEvent, true)
        assertMatches("(org=acme or provider=anthropic) model~nothing", openAIEvent, false)
        XCTAssertEqual(parse(text).text, "org=acme or provider=anthropic model~nothing")
    }

    func testNotBindsTighterThanAnd() {
        // Read as (not org=acme) and provider=anthropic.
        let text = "not org=acme provider=anthropic"
        assertMatches(text, anthropicEvent, true)
        assertMatches(text, openAIEvent, false)
        assertMatches("not org=acme provider=openai", openAIEvent, false)
        assertMatches("not (org=acme provider=anthropic)", openAIEvent, true)
    }

    func testNotAndParentheses() {
        assertMatches("not (provider=openai or provider=anthropic)", openAIEvent, false)
        assertMatches("not(provider=openai or provider=anthropic)", anthropicEvent, false)
        assertMatches("not (provider=openai or cached=true)", FilterSubject(provider: "google"), true)
        assertMatches("not not org=acme", openAIEvent, true)
        assertMatches("((org=acme))", openAIEvent, true)
        assertMatches("(org=acme or user=-) (type=chat or type=completion)", anthropicEvent, true)
        assertMatches("(org=acme or user=-) (type=chat or type=embedding)", anthropicEvent, false)
    }

    func testKeywordsAndFieldsAreCaseInsensitive() {
        let filter = parse("ORG=acme And Provider=openai Or NOT Cached=TRUE")
        XCTAssertEqual(filter.text, "org=acme provider=openai or not cached=true")
        XCTAssertTrue(filter.matches(openAIEvent))
        XCTAssertFalse(filter.matches(anthropicEvent))
    }

    // MARK: - Values

    func testQuotedValuesWithSpacesAndEscapes() {
        let cases: [(text: String, user: String)] = [
            ("user=\"Ada Lovelace\"", "Ada Lovelace"),
            ("user='Ada Lovelace'", "Ada Lovelace"),
            ("user=\"say \\\"hi\\\"\"", "say \"hi\""),
            ("user='o\\'brien'", "o'brien"),
            ("user='say \"hi\"'", "say \"hi\""),
            ("user=\"back\\\\slash\"", "back\\slash"),
            ("user=\"a\\b\"", "a\\b"),
            ("user=\"(or) and not\"", "(or) and not"),
        ]
        for (text, user) in cases {
            assertMatches(text, FilterSubject(user: user), true)
            assertMatches(text, FilterSubject(user: user + "x"), false)
        }
    }

    func testQuotedValueEndsAtParenthesis() {
        assertMatches("(user=\"Ada Lovelace\")", FilterSubject(user: "Ada Lovelace"), true)
        assertMatches("(user=ada)", FilterSubject(user: "ada"), true)
    }

    func testBareValueCharacters() {
        let cases: [(text: String, user: String)] = [
            ("user=alice@example.com", "alice@example.com"),
            ("user=team/a:b_c-d.e", "team/a:b_c-d.e"),
            ("user=f(x", "f(x"),
            ("user=a=b", "a=b"),
            ("user=it's", "it's"),
            ("user=and", "and"),
            ("user=é", "é"),
        ]
        for (text, user) in cases {
            assertMatches(text, FilterSubject(user: user), true)
        }
    }

    // MARK: - Canonical text

    func testCanonicalText() {
        let cases: [(input: String, text: String)] = [
            ("  org=acme   ", "org=acme"),
            ("org=acme and (provider=openai)", "org=acme provider=openai"),
            ("(org=a org=b) org=c", "org=a org=b org=c"),
            ("org=a or (org=b or org=c)", "org=a or org=b or org=c"),
            ("(org=a or org=b) and model~x", "(org=a or org=b) model~x"),
            ("not (org=a provider=b)", "not (org=a provider=b)"),
            ("not (org=a)", "not org=a"),
            ("user='Ada Lovelace'", "user=\"Ada Lovelace\""),
            ("user='o\\'brien \"x\"'", "user=\"o'brien \\\"x\\\"\""),
            ("user=\"a\\\\b\"", "user=a\\b"),
            ("user=\"-\"", "user=\"-\""),
            ("user=\"=x\"", "user=\"=x\""),
            ("user=\"~x\"", "user=\"~x\""),
            ("user=\"x)\"", "user=\"x)\""),
            ("user='\"x'", "user=\"\\\"x\""),
            ("cached=yes", "cached=true"),
            ("user!~Bob", "user!~Bob"),
        ]
        for (input, text) in cases {
            let filter = parse(input)
            XCTAssertEqual(filter.text, text, input)
            XCTAssertEqual(parse(filter.text), filter, "reparse of \(filter.text)")
        }
    }

    // MARK: - Building filters

    func testAndCombinator() throws {
        let org = try Filter.parse("org=acme")
        let providers = try Filter.parse("provider=openai or provider=anthropic")

        XCTAssertEqual(Filter.all.and(org), org)
        XCTAssertEqual(org.and(.all), org)
        XCTAssertTrue(Filter.all.and(.all).isEmpty)

        let both = providers.and(org)
        XCTAssertEqual(both.text, "(provider=openai or provider=anthropic) org=acme")
        XCTAssertEqual(try Filter.parse(both.text), both)
        XCTAssertTrue(both.matches(openAIEvent))
        XCTAssertFalse(both.matches(anthropicEvent))

        let chained = org.and(Filter.term(field: .type, value: "chat")).and(Filter.term(cached: false))
        XCTAssertEqual(chained.text, "org=acme type=chat cached=false")
        XCTAssertEqual(chained, try Filter.parse("org=acme type=chat cached=false"))
        XCTAssertTrue(chained.matches(openAIEvent))
    }

    func testTermQuotesValuesWhenNeeded() throws {
        let cases: [(field: FilterField, value: String?, text: String)] = [
            (.org, "acme", "org=acme"),
            (.service, "cj assessment", "service=\"cj assessment\""),
            (.user, nil, "user=-"),
            (.user, "", "user=-"),
            (.user, "-", "user=\"-\""),
            (.model, "a\"b\\c", "model=a\"b\\c"),
            (.model, "a \"b\\c", "model=\"a \\\"b\\\\c\""),
            (.model, "\"quoted\"", "model=\"\\\"quoted\\\"\""),
            (.model, "'quoted'", "model=\"'quoted'\""),
            (.model, "f(x)", "model=\"f(x)\""),
            (.cached, "yes", "cached=true"),
        ]
        for (field, value, text) in cases {
            let term = Filter.term(field: field, value: value)
            XCTAssertEqual(term.text, text, "\(field) \(value ?? "nil")")
            XCTAssertEqual(try Filter.parse(term.text), term, "reparse of \(term.text)")
        }

        let spaced = FilterSubject(service: "cj assessment")
        XCTAssertTrue(Filter.term(field: .service, value: "cj assessment").matches(spaced))
        XCTAssertTrue(Filter.term(field: .org, value: nil).matches(anthropicEvent))
        XCTAssertFalse(Filter.term(field: .org, value: nil).matches(openAIEvent))
        XCTAssertEqual(Filter.term(cached: true).text, "cached=true")
    }

    func testFieldOfEveryDimension() {
        XCTAssertEqual(FilterField(.provider), .provider)
        XCTAssertEqual(FilterField(.model), .model)
        XCTAssertEqual(FilterField(.service), .service)
        XCTAssertEqual(FilterField(.organization), .org)
        XCTAssertEqual(FilterField(.user), .user)
        XCTAssertEqual(FilterField(.requestType), .type)
    }

    // MARK: - Errors

    private let fieldList = "org, provider, model, service, user, type, cached"

    func testUnknownFieldErrors() {
        assertError("orgg=acme", column: 1, "unknown field 'orgg' at column 1; did you mean 'org'? Fields are \(fieldList)")
        assertError("org=a tpye=chat", column: 7, "unknown field 'tpye' at column 7; did you mean 'type'? Fields are \(fieldList)")
        assertError("usr=a", column: 1, "unknown field 'usr' at column 1; did you mean 'user'? Fields are \(fieldList)")
        assertError("organization=acme", column: 1, "unknown field 'organization' at column 1; did you mean 'org'? Fields are \(fieldList)")
        assertError("request_type=chat", column: 1, "unknown field 'request_type' at column 1; did you mean 'type'? Fields are \(fieldList)")
        assertError("colour=red", column: 1, "unknown field 'colour' at column 1; fields are \(fieldList)")
        assertError("xy=1", column: 1, "unknown field 'xy' at column 1; fields are \(fieldList)")
        assertError("modèl=x", column: 1, "unknown field 'modèl' at column 1; did you mean 'model'? Fields are \(fieldList)")
    }

    func testMissingValueErrors() {
        assertError("org=", column: 5, "missing value after 'org=' at column 5; write org=NAME or org=\"a name\"")
        assertError("org= provider=openai", column: 5, "missing value after 'org=' at column 5; write org=NAME or org=\"a name\"")
        assertError("(model~)", column: 8, "missing value after 'model~' at column 8; write model~NAME or model~\"a name\"")
        assertError("cached=", column: 8, "missing value after 'cached=' at column 8; write cached=true or cached=false")
        // Columns count characters, so the accented letter is one column.
        assertError("user=é org=", column: 12, "missing value after 'org=' at column 12; write org=NAME or org=\"a name\"")
    }

    func testQuoteErrors() {
        assertError("org=\"acme", column: 5, "unclosed quote starting at column 5; close it with \"")
        assertError("org=a user='bob", column: 12, "unclosed quote starting at column 12; close it with '")
        assertError("org=\"acme\\\"", column: 5, "unclosed quote starting at column 5; close it with \"")
        assertError(
            "org=\"acme\"x", column: 11,
            "unexpected 'x' after the closing quote at column 11; put a space between terms or move the text inside the quotes"
        )
    }

    func testStructureErrors() {
        assertError("org=a or)", column: 9, "expected a field at column 9 but found ')'")
        assertError("()", column: 2, "expected a field at column 2 but found ')'")
        assertError("(org=acme", column: 1, "unclosed parenthesis at column 1; close it with )")
        assertError("((org=a) or org=b", column: 1, "unclosed parenthesis at column 1; close it with )")
        assertError("org=acme)", column: 9, "unmatched ')' at column 9; remove it or add a '(' before it")
        assertError("org=a and", column: 10, "expected a field at column 10 but found the end of the filter; add a term such as org=NAME or remove the trailing operator")
        assertError("not", column: 4, "expected a field at column 4 but found the end of the filter; add a term such as org=NAME or remove the trailing operator")
        assertError("or org=a", column: 1, "expected a field at column 1 but found 'or'")
        assertError("org=a and and org=b", column: 11, "expected a field at column 11 but found 'and'")
        assertError("=acme", column: 1, "expected a field at column 1 but found '='")
        assertError("org=a \"b\"", column: 7, "expected a field at column 7 but found '\"'")
        assertError("acme", column: 1, "expected a term such as org=NAME at column 1 but found 'acme'")
    }

    func testOperatorErrors() {
        assertError("org acme", column: 4, "missing operator after 'org' at column 4; write org=VALUE, org!=VALUE, org~VALUE or org!~VALUE")
        assertError("cached", column: 7, "missing operator after 'cached' at column 7; write cached=true or cached=false")
        assertError("org:acme", column: 4, "unknown operator ':' at column 4; operators are =, !=, ~ and !~")
        assertError("model>=x", column: 6, "unknown operator '>' at column 6; operators are =, !=, ~ and !~")
        assertError("org!acme", column: 4, "unknown operator '!' at column 4; operators are =, !=, ~ and !~")
        assertError("org==acme", column: 5, "unexpected '=' at column 5; write org=acme, or quote a value that starts with '='")
        assertError("org!==acme", column: 6, "unexpected '=' at column 6; write org!=acme, or quote a value that starts with '='")
        assertError("model=~sonnet", column: 7, "unexpected '~' at column 7; write model~sonnet, or quote a value that starts with '~'")
        assertError("model!=~sonnet", column: 8, "unexpected '~' at column 8; write model!~sonnet, or quote a value that starts with '~'")
    }

    func testCachedErrors() {
        assertError("cached=maybe", column: 8, "cached takes true or false, not 'maybe' (column 8)")
        assertError("cached=-", column: 8, "cached takes true or false, not '-' (column 8)")
        assertError("cached=\"\"", column: 8, "cached takes true or false, not '' (column 8)")
        assertError("cached~true", column: 7, "cached takes = or !=, not '~' (column 7); write cached=true or cached=false")
        assertError("cached!~true", column: 7, "cached takes = or !=, not '!~' (column 7); write cached=true or cached=false")
    }

    func testContainsMissingErrors() {
        assertError(
            "model~-", column: 7,
            "'~' needs text to search for at column 7, but - means a missing field; "
                + "write model=- to match a missing model or model~\"-\" to search for a dash"
        )
        assertError(
            "user!~\"\"", column: 7,
            "'!~' needs text to search for at column 7, but \"\" means a missing field; "
                + "write user=- to match a missing user or user!~\"-\" to search for a dash"
        )
    }

    func testNestingLimit() {
        let depth = 100
        let nested = String(repeating: "(", count: depth) + "org=acme" + String(repeating: ")", count: depth)
        assertMatches(nested, openAIEvent, true)

        let tooDeep = "(" + nested + ")"
        assertError(tooDeep, column: 101, "nesting too deep at column 101; use at most 100 levels of parentheses and 'not'")
        let manyNots = String(repeating: "not ", count: 101) + "org=acme"
        assertError(manyNots, column: 401, "nesting too deep at column 401; use at most 100 levels of parentheses and 'not'")
    }

    func testUserValuesReplacedInText() {
        let filter = parse("user=u-17 or not (user~'a b' and org=acme) or user=- or user!=u-9")
        let shown = filter.text(replacingUserValues: { "<\($0.count)>" })
        XCTAssertEqual(shown, "user=<4> or not (user~<3> org=acme) or user=- or user!=<3>")
        XCTAssertEqual(parse("org=acme").text(replacingUserValues: { _ in "x" }), "org=acme")
    }
}
