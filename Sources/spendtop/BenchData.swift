import SpendEvents

/// A deterministic source of cost-tracking messages for `spendtop bench`.
///
/// The messages follow the wire format and mix what the fixtures show: five providers and a
/// dozen models, several services, organizations and users drawn from fixed pools, missing
/// users and organizations, cache hits with and without `cache_cost_savings_usd`, payload
/// metadata with model overrides or a prompt override of up to 220 bytes (sometimes with
/// escapes), non-ASCII user names escaped as `\uXXXX`, Python float spellings of costs, and a
/// few repeated event ids. The same seed and configuration give the same bytes on every run.
struct BenchTraffic {
    /// Distinct users; each user belongs to one organization and mostly calls one service.
    var users = 100_000
    var organizations = 1_000
    /// Unix milliseconds of the first event.
    var startMilliseconds: Int64 = 1_770_624_000_000
    /// Event times are spread evenly over this many seconds, with a little jitter.
    var spanSeconds: Int64 = 3_600
    /// Total messages the traffic will produce; sets the spacing of event times.
    var messageCount = 1_000_000
    var seed: UInt64 = 0x5EED_2026

    static let models: [(provider: String, model: String, microsPerToken: Int64)] = [
        ("anthropic", "claude-haiku-4-5-20251001", 2),
        ("anthropic", "claude-sonnet-4-5-20250929", 6),
        ("anthropic", "claude-opus-4-1-20250805", 30),
        ("openai", "gpt-5.1", 4),
        ("openai", "gpt-5-mini", 1),
        ("openai", "gpt-4.1-2025-04-14", 5),
        ("google", "gemini-2.5-pro", 5),
        ("google", "gemini-2.5-flash-preview-05-20", 1),
        ("openrouter", "meta-llama/llama-3.3-70b-instruct", 1),
        ("openrouter", "deepseek/deepseek-chat", 1),
        ("mock", "mock-model", 0),
        ("anthropic", "unknown", 3),
    ]
    static let services = [
        "cj_assessment_service", "essay_feedback_service", "nlp-service",
        "spellcheck_service", "batch_orchestrator", "llm_provider_service",
    ]
    static let promptWords = [
        "Compare", "the", "two", "essays", "below", "and", "decide", "which", "one", "argues",
        "more", "clearly;", "cite", "evidence", "from", "each", "text.", "Rubric:", "structure,",
        "grammar,", "coherence", "and", "use", "of", "sources.",
    ]

    /// Appends message number `index` and a newline to `output`.
    ///
    /// Message `index` depends only on the configuration and `index`, so a stream can be
    /// generated piece by piece without keeping earlier messages.
    func appendMessage(_ index: Int, to output: inout [UInt8]) {
        var random = BenchRandom(seed: seed ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        // About one message in 200 repeats an earlier message's event id and time.
        var identity = UInt64(index)
        if index > 1_000, random.below(200) == 0 {
            identity = UInt64(index - 1 - Int(random.below(1_000)))
        }
        var idRandom = BenchRandom(seed: seed &+ identity &* 0xD1B5_4A32_D192_ED03)
        let time = eventMilliseconds(Int(identity), &idRandom)

        let user = Int(random.below(UInt64(users)))
        let organization = user % organizations
        let serviceChoice = random.below(10) < 8 ? user % Self.services.count : Int(random.below(UInt64(Self.services.count)))
        let modelChoice = Int(random.skewed(UInt64(Self.models.count)))
        let (provider, model, microsPerToken) = Self.models[modelChoice]
        let cacheRoll = random.below(100)
        let cached = cacheRoll < 12
        let promptTokens = 200 + Int64(random.below(3_000))
        let completionTokens = 20 + Int64(random.below(600))
        var latency = cached ? 5 + Int64(random.below(60)) : 300 + Int64(random.below(6_000))
        if random.below(20) == 0 { latency += Int64(random.below(30_000)) }
        let costMicros = cached ? 0 : (promptTokens + 3 * completionTokens) * microsPerToken

        output.append(text: "{\"event_id\": \"")
        output.appendUUID(&idRandom)
        output.append(text: "\", \"event_type\": \"llm_provider.cost.tracking\", \"event_timestamp\": \"")
        output.appendTimestamp(time)
        output.append(text: "\", \"source_service\": \"llm_provider_service\", \"schema_version\": 1, \"correlation_id\": \"")
        output.appendUUID(&random)
        output.append(text: "\", \"data_schema_uri\": null, \"data\": {\"correlation_id\": \"")
        output.appendUUID(&random)
        output.append(text: "\", \"provider\": \"")
        output.append(text: provider)
        output.append(text: "\", \"model\": \"")
        output.append(text: model)
        output.append(text: "\", \"request_type\": \"")
        output.append(text: random.below(10) == 0 ? "generation" : "comparison")
        output.append(text: "\", \"cost_estimate_usd\": ")
        appendCost(costMicros, &random, to: &output)
        output.append(text: ", \"token_usage\": {\"prompt_tokens\": ")
        output.append(integer: promptTokens)
        output.append(text: ", \"completion_tokens\": ")
        output.append(integer: completionTokens)
        output.append(text: ", \"total_tokens\": ")
        output.append(integer: promptTokens + completionTokens)
        output.append(text: "}, \"user_id\": ")
        appendUser(user, &random, to: &output)
        output.append(text: ", \"organization_id\": ")
        if random.below(50) == 0 {
            output.append(text: "null")
        } else {
            output.append(text: "\"org_")
            output.append(integer: Int64(organization), width: 4)
            output.append(text: "\"")
        }
        output.append(text: ", \"service_name\": \"")
        output.append(text: Self.services[serviceChoice])
        output.append(text: "\", \"request_timestamp\": \"")
        output.appendTimestamp(time - latency)
        output.append(text: "\", \"response_time_ms\": ")
        output.append(integer: latency)
        if cached, cacheRoll < 5 {
            output.append(text: ", \"cached\": true, \"cache_cost_savings_usd\": ")
            appendCost((promptTokens + 3 * completionTokens) * microsPerToken, &random, to: &output)
        }
        output.append(text: ", \"metadata\": ")
        appendPayloadMetadata(model: model, provider: provider, cached: cached, &random, to: &output)
        output.append(text: "}, \"metadata\": ")
        if random.below(2) == 0 {
            output.append(text: "null}\n")
        } else {
            output.append(text: "{\"traceparent\": \"00-")
            output.appendHex(random.next(), digits: 16)
            output.appendHex(random.next(), digits: 16)
            output.append(text: "-")
            output.appendHex(random.next(), digits: 16)
            output.append(text: "-01\"}}\n")
        }
    }

    private func eventMilliseconds(_ identity: Int, _ random: inout BenchRandom) -> Int64 {
        let spacing = Double(spanSeconds * 1000) / Double(max(messageCount, 1))
        let base = startMilliseconds + Int64(Double(identity) * spacing)
        // Up to two seconds of jitter, so messages arrive slightly out of time order.
        let jittered = base - Int64(random.below(2_000))
        return max(startMilliseconds, jittered)
    }

    /// Writes a cost the way Python's `json.dumps` prints a float: `0.0`, `5e-05`, `0.039795`,
    /// and now and then with binary noise such as `0.015014999999999997`.
    private func appendCost(_ micros: Int64, _ random: inout BenchRandom, to output: inout [UInt8]) {
        if micros == 0 {
            output.append(text: "0.0")
            return
        }
        if micros < 100, micros % 10 == 0 {
            output.append(integer: micros / 10)
            output.append(text: "e-05")
            return
        }
        output.append(integer: micros / 1_000_000)
        output.append(text: ".")
        if random.below(50) == 0, micros % 1_000_000 >= 1 {
            // A value just below the micro-dollar amount, which rounds back up to it.
            output.append(integer: micros % 1_000_000 - 1, width: 6)
            output.append(text: "999999999997")
            return
        }
        var fraction = micros % 1_000_000
        var digits = 6
        while digits > 1, fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        output.append(integer: fraction, width: digits)
    }

    private func appendUser(_ user: Int, _ random: inout BenchRandom, to output: inout [UInt8]) {
        if random.below(30) == 0 {
            output.append(text: "null")
        } else if user % 50 == 7 {
            // A non-ASCII name, escaped as Python's json.dumps writes it: "lärare_…".
            output.append(text: "\"l\\u00e4rare_")
            output.append(integer: Int64(user), width: 6)
            output.append(text: "\"")
        } else {
            output.append(text: "\"teacher_")
            output.append(integer: Int64(user), width: 6)
            output.append(text: "\"")
        }
    }

    private func appendPayloadMetadata(
        model: String, provider: String, cached: Bool, _ random: inout BenchRandom, to output: inout [UInt8]
    ) {
        if cached {
            output.append(text: "{\"cache_key\": \"llm_cache:")
            output.append(text: provider)
            output.append(text: ":")
            output.appendHex(random.next(), digits: 16)
            output.appendHex(random.next(), digits: 16)
            output.append(text: "\", \"cached\": true}")
            return
        }
        output.append(text: "{\"model_override\": \"")
        output.append(text: model)
        output.append(text: "\", \"temperature_override\": 0.")
        output.append(integer: Int64(random.below(10)))
        let shape = random.below(4)
        if shape == 0 {
            output.append(text: "}")
            return
        }
        if shape < 3 {
            output.append(text: ", \"max_tokens_override\": 2048}")
            return
        }
        // A prompt override of 20 to 220 bytes; one in ten has escaped quotes and newlines.
        output.append(text: ", \"prompt_override\": \"")
        let escaped = random.below(10) == 0
        let targetLength = output.count + 20 + Int(random.below(200))
        var word = Int(random.below(UInt64(Self.promptWords.count)))
        while output.count < targetLength {
            output.append(text: Self.promptWords[word % Self.promptWords.count])
            output.append(text: escaped && word % 7 == 0 ? "\\n\\\"" : " ")
            word += 1
        }
        output.append(text: "\"}")
    }
}

/// SplitMix64: a small, fast generator whose output depends only on its seed.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A value in 0..<bound, with negligible bias for the small bounds used here.
    mutating func below(_ bound: UInt64) -> UInt64 {
        next().multipliedFullWidth(by: bound).high
    }

    /// A value in 0..<bound where smaller values are more likely (the minimum of two draws).
    mutating func skewed(_ bound: UInt64) -> UInt64 {
        min(below(bound), below(bound))
    }
}

extension Array where Element == UInt8 {
    mutating func append(text: String) {
        append(contentsOf: text.utf8)
    }

    /// Appends the decimal digits of a non-negative `value`, zero-padded to `width`.
    mutating func append(integer value: Int64, width: Int = 1) {
        var divisor: UInt64 = 1
        var digits = 1
        while digits < width || value.magnitude / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        var rest = value.magnitude
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    mutating func appendHex(_ value: UInt64, digits: Int) {
        let alphabet: StaticString = "0123456789abcdef"
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            append(alphabet.utf8Start[Int((value >> UInt64(shift)) & 0xF)])
        }
    }

    /// Appends a version-4 UUID drawn from `random`.
    mutating func appendUUID(_ random: inout BenchRandom) {
        let high = random.next()
        let low = random.next()
        appendHex(high >> 32, digits: 8)
        append(UInt8(ascii: "-"))
        appendHex((high >> 16) & 0xFFFF, digits: 4)
        append(text: "-4")
        appendHex(high & 0xFFF, digits: 3)
        append(UInt8(ascii: "-"))
        appendHex(0x8000 | (low >> 48) & 0x3FFF, digits: 4)
        append(UInt8(ascii: "-"))
        appendHex(low & 0xFFFF_FFFF_FFFF, digits: 12)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffffZ` for Unix `milliseconds`, as the publisher writes it.
    mutating func appendTimestamp(_ milliseconds: Int64) {
        let seconds = milliseconds / 1000
        let parts = Timestamps.civil(seconds: seconds)
        append(integer: Int64(parts.year), width: 4)
        append(UInt8(ascii: "-"))
        append(integer: Int64(parts.month), width: 2)
        append(UInt8(ascii: "-"))
        append(integer: Int64(parts.day), width: 2)
        append(UInt8(ascii: "T"))
        append(integer: Int64(parts.hour), width: 2)
        append(UInt8(ascii: ":"))
        append(integer: Int64(parts.minute), width: 2)
        append(UInt8(ascii: ":"))
        append(integer: Int64(parts.second), width: 2)
        append(UInt8(ascii: "."))
        append(integer: milliseconds % 1000, width: 3)
        append(text: "412Z")
    }
}
