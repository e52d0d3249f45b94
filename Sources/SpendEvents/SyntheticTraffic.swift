import Foundation

/// A deterministic generator of cost-tracking events for demos, load tests and benchmarks.
///
/// The same seed gives the same sequence of event ids, organizations, models, tokens, costs and
/// latencies. Only the timestamps come from the caller, through `nextEvent(at:)`.
///
/// Each event is serialized the way the publisher's Python `json.dumps` writes it: `", "` and
/// `": "` separators, non-ASCII as lowercase `\uXXXX` escapes, and UTC timestamps with six
/// fractional digits and a `Z`. USD amounts have at most six decimals in Python's float form, so
/// a consumer summing the written amounts in micro-dollars gets exactly `SyntheticEvent.cost`.
public struct SyntheticTraffic: Sendable {
    /// The organizations events are drawn from, most active first (`district-1`, `district-2`, …).
    public let organizations: [String]
    /// The incidents that add traffic for one organization or model during a time span.
    public let incidents: [SyntheticIncident]
    /// The share of events, from 0 to 1, that are cache hits (the `mock` provider is never cached).
    public let cacheHitRate: Double

    private var random: SeededRandom
    private let organizationWeights: CumulativeWeights
    private let modelWeights: CumulativeWeights
    private let serviceWeights: CumulativeWeights
    private let userWeights: CumulativeWeights
    private var firstTimeMs: Int64?
    /// Incident events owed per incident; one is emitted whenever the credit reaches 1.
    private var incidentCredit: [Double]
    private let incidentShares: [Double]

    /// Users per organization. User ids are `teacher_` plus a four-digit number unique per organization.
    static let usersPerOrganization = 40

    /// Creates a generator.
    /// - Parameters:
    ///   - seed: the random seed; the same seed gives the same events.
    ///   - organizations: how many organizations to draw from (at least 1), with Zipf-like activity.
    ///   - incidents: extra traffic to inject, timed from the first `nextEvent(at:)` call.
    ///   - cacheHitRate: the share of cache hits, from 0 to 1.
    public init(seed: UInt64, organizations: Int = 60, incidents: [SyntheticIncident] = [], cacheHitRate: Double = 0.12) {
        let organizationCount = max(1, organizations)
        self.organizations = (1...organizationCount).map { "district-\($0)" }
        self.incidents = incidents
        self.cacheHitRate = min(max(cacheHitRate, 0), 1)
        self.random = SeededRandom(seed: seed)
        self.organizationWeights = CumulativeWeights(zipfCount: organizationCount, exponent: 1.1)
        self.modelWeights = CumulativeWeights(SyntheticModel.catalog.map(\.weight))
        self.serviceWeights = CumulativeWeights(SyntheticService.catalog.map(\.weight))
        self.userWeights = CumulativeWeights(zipfCount: Self.usersPerOrganization, exponent: 1.0)
        self.incidentCredit = incidents.map { _ in 0 }

        // The share of normal traffic that an incident's organization and model pair has. A rare pair
        // gets at least 1% so that its spike is visible.
        let organizationNames = self.organizations
        let organizationWeights = self.organizationWeights
        let modelWeights = self.modelWeights
        self.incidentShares = incidents.map { incident in
            var share = 1.0
            if let organization = incident.organization {
                share *= organizationNames.firstIndex(of: organization).map { organizationWeights.probability(of: $0) } ?? 0
            }
            if let model = incident.model {
                share *= SyntheticModel.catalog.firstIndex { $0.name == model }.map { modelWeights.probability(of: $0) } ?? 0
            }
            return max(share, 0.01)
        }
    }

    /// Generates the next event, stamped with `timeMs` (milliseconds since 1970, UTC) plus a
    /// sub-millisecond part drawn from the seed.
    public mutating func nextEvent(at timeMs: Int64) -> SyntheticEvent {
        let startMs = firstTimeMs ?? timeMs
        firstTimeMs = startMs
        let elapsedMs = timeMs - startMs

        if let owed = incidentCredit.firstIndex(where: { $0 >= 1 }) {
            incidentCredit[owed] -= 1
            let incident = incidents[owed]
            return makeEvent(at: timeMs, organization: incident.organization, model: incident.model, isIncidentExtra: true)
        }

        for (index, incident) in incidents.enumerated() where incident.isActive(atElapsedMs: elapsedMs) {
            incidentCredit[index] += (incident.multiplier - 1) * incidentShares[index]
        }
        return makeEvent(at: timeMs, organization: nil, model: nil, isIncidentExtra: false)
    }

    /// Names of the models the generator draws from.
    public static var modelNames: [String] { SyntheticModel.catalog.map(\.name) }

    // MARK: - Event content

    private mutating func makeEvent(at timeMs: Int64, organization forcedOrganization: String?, model forcedModel: String?, isIncidentExtra: Bool) -> SyntheticEvent {
        let model = forcedModel.flatMap { name in SyntheticModel.catalog.first { $0.name == name } }
            ?? SyntheticModel.catalog[modelWeights.sample(random.nextUnit())]
        let service = SyntheticService.catalog[serviceWeights.sample(random.nextUnit())]

        // Organization and user: some internal traffic carries neither.
        var organization: String?
        var user: String?
        if let forcedOrganization {
            organization = forcedOrganization
            user = userID(organization: forcedOrganization)
        } else if service.anonymousShare > random.nextUnit() {
            organization = nil
            user = nil
        } else {
            let chosen = organizations[organizationWeights.sample(random.nextUnit())]
            organization = chosen
            user = userID(organization: chosen)
        }

        let promptTokens = Int(random.logNormal(median: service.promptMedian, sigma: service.promptSigma).rounded())
        let completionTokens = Int(random.logNormal(median: service.completionMedian, sigma: 0.35).rounded())
        let fullCostNanos = Int64(promptTokens) * model.inputNanosPerToken + Int64(completionTokens) * model.outputNanosPerToken
        let fullCost = Money(micros: (fullCostNanos + 500) / 1000)

        let cached = model.provider != "mock" && random.nextUnit() < cacheHitRate
        let latencyMs: Int
        if cached {
            latencyMs = 15 + Int(random.next() % 50)
        } else {
            latencyMs = max(1, Int(random.logNormal(median: model.latencyMedianMs, sigma: model.latencySigma).rounded()))
        }

        let eventID = random.uuidString()
        let correlationID = random.uuidString()
        let eventMicros = timeMs * 1000 + Int64(random.next() % 1000)
        let requestMicros = eventMicros - Int64(latencyMs) * 1000 - Int64(random.next() % 20_000)
        let traceparent: String? = random.nextUnit() < 0.8
            ? "00-\(random.hexString(bytes: 16))-\(random.hexString(bytes: 8))-01"
            : nil

        var json = PythonJSONWriter()
        json.beginObject()
        json.key("event_id"); json.string(eventID)
        json.key("event_type"); json.string("llm_provider.cost.tracking")
        json.key("event_timestamp"); json.string(Self.timestamp(micros: eventMicros))
        json.key("source_service"); json.string("llm_provider_service")
        json.key("schema_version"); json.raw("1")
        json.key("correlation_id"); json.string(correlationID)
        json.key("data_schema_uri"); json.raw("null")

        json.key("data"); json.beginObject()
        json.key("correlation_id"); json.string(correlationID)
        json.key("provider"); json.string(model.provider)
        json.key("model"); json.string(model.name)
        json.key("request_type"); json.string(service.requestType)
        json.key("cost_estimate_usd"); json.raw(Self.pythonFloat(cached ? .zero : fullCost))
        json.key("token_usage"); json.beginObject()
        json.key("prompt_tokens"); json.raw(String(promptTokens))
        json.key("completion_tokens"); json.raw(String(completionTokens))
        json.key("total_tokens"); json.raw(String(promptTokens + completionTokens))
        json.endObject()
        json.key("user_id"); json.optionalString(user)
        json.key("organization_id"); json.optionalString(organization)
        json.key("service_name"); json.string(service.name)
        json.key("request_timestamp"); json.string(Self.timestamp(micros: requestMicros))
        json.key("response_time_ms"); json.raw(String(latencyMs))
        json.key("metadata"); json.beginObject()
        if cached {
            json.key("cache_key"); json.string("llm_cache:\(model.provider):\(random.hexString(bytes: 16))")
            json.key("cached"); json.raw("true")
        } else if service.requestType == "generation" {
            json.key("model_override"); json.string(model.name)
            json.key("prompt_override"); json.string(SyntheticService.feedbackPrompt)
        } else {
            json.key("model_override"); json.string(model.name)
            json.key("temperature_override"); json.raw("0.1")
            json.key("max_tokens_override"); json.raw("2048")
        }
        json.endObject()
        if cached {
            json.key("cached"); json.raw("true")
            json.key("cache_cost_savings_usd"); json.raw(Self.pythonFloat(fullCost))
        }
        json.endObject()

        json.key("metadata")
        if let traceparent {
            json.beginObject()
            json.key("traceparent"); json.string(traceparent)
            json.endObject()
        } else {
            json.raw("null")
        }
        json.endObject()

        return SyntheticEvent(
            json: json.bytes,
            eventID: eventID,
            cost: cached ? .zero : fullCost,
            cacheSavings: cached ? fullCost : .zero,
            cached: cached,
            organization: organization,
            model: model.name,
            isIncidentExtra: isIncidentExtra
        )
    }

    private mutating func userID(organization: String) -> String {
        // Each organization gets its own block of user numbers, so user ids never collide across
        // organizations. An organization outside the list gets the block after the last one.
        let block = organizations.firstIndex(of: organization) ?? organizations.count
        let number = block * Self.usersPerOrganization + userWeights.sample(random.nextUnit()) + 1
        let digits = String(number)
        return "teacher_" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Python number and date forms

    /// Writes `amount` as Python's `repr(float)` of the same USD value: `0.0`, `0.039795`, `5e-05`.
    ///
    /// A decimal with at most six fractional digits and at most 15 significant digits converts to
    /// the nearest double and back unchanged, so the shortest round-trip form Python prints is the
    /// decimal itself. Python switches to exponent form below 1e-4.
    public static func pythonFloat(_ amount: Money) -> String {
        let micros = amount.micros
        if micros == 0 { return "0.0" }
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        if magnitude < 100 {
            // 1e-06 ... 9.9e-05: the digits of the micro count, then the exponent.
            let digits = String(magnitude)
            let exponent = 6 - (digits.count - 1)
            var fraction = digits.dropFirst()
            while fraction.hasSuffix("0") {
                fraction = fraction.dropLast()
            }
            let mantissa = fraction.isEmpty ? String(digits.prefix(1)) : digits.prefix(1) + "." + fraction
            return "\(sign)\(mantissa)e-0\(exponent)"
        }
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 1 && fraction.hasSuffix("0") {
            fraction.removeLast()
        }
        return "\(sign)\(whole).\(fraction)"
    }

    /// Formats microseconds since 1970 as `2026-02-09T08:14:21.924582Z`.
    public static func timestamp(micros: Int64) -> String {
        let seconds = floorDivide(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970: Int64) -> (Int64, Int64, Int64) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

/// One generated event: its serialized envelope and the amounts written in it.
public struct SyntheticEvent: Sendable {
    /// The envelope as UTF-8 JSON, without a trailing newline.
    public var json: [UInt8]
    public var eventID: String
    /// The `cost_estimate_usd` written in the event: zero for a cache hit.
    public var cost: Money
    /// The `cache_cost_savings_usd` written in a cache hit, else zero.
    public var cacheSavings: Money
    public var cached: Bool
    public var organization: String?
    public var model: String
    /// True for an event added by an incident on top of the normal traffic; a paced producer should
    /// not count it against its rate.
    public var isIncidentExtra: Bool
}

/// Extra traffic for one organization, one model or one pair of both, for a span of time.
public struct SyntheticIncident: Sendable, Equatable {
    /// The organization id to spike, or nil for every organization.
    public var organization: String?
    /// The model name to spike, or nil for every model.
    public var model: String?
    /// How many times its normal rate the spiked traffic runs at (at least 1).
    public var multiplier: Double
    /// The start, in milliseconds after the first event.
    public var afterMs: Int64
    /// The length in milliseconds.
    public var durationMs: Int64

    public init(organization: String?, model: String?, multiplier: Double, afterMs: Int64, durationMs: Int64) {
        self.organization = organization
        self.model = model
        self.multiplier = multiplier
        self.afterMs = afterMs
        self.durationMs = durationMs
    }

    func isActive(atElapsedMs elapsedMs: Int64) -> Bool {
        elapsedMs >= afterMs && elapsedMs < afterMs + durationMs
    }

    /// An incident specification that could not be parsed. `message` names the part and the reason.
    public struct ParseError: Error, Sendable {
        public let message: String
    }

    /// Parses `org=district-42,model=claude-opus-4-1,x=20,after=60s,for=120s`.
    ///
    /// `x` is required; `org` or `model` (or both) must be given. `after` defaults to 0 and `for`
    /// to 60 s. Durations take a unit of `ms`, `s`, `m` or `h`; a bare number is seconds.
    public static func parse(_ specification: String) throws(ParseError) -> SyntheticIncident {
        var organization: String?
        var model: String?
        var multiplier: Double?
        var afterMs: Int64 = 0
        var durationMs: Int64 = 60_000
        for part in specification.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
            guard pieces.count == 2, !pieces[1].isEmpty else {
                throw ParseError(message: "incident part '\(part)' is not key=value; write for example org=district-42,x=20,after=60s,for=120s.")
            }
            let value = pieces[1]
            switch pieces[0] {
            case "org", "organization":
                organization = value
            case "model":
                guard SyntheticTraffic.modelNames.contains(value) else {
                    throw ParseError(message: "incident model '\(value)' is not one the generator emits; choose one of \(SyntheticTraffic.modelNames.joined(separator: ", ")).")
                }
                model = value
            case "x":
                guard let number = Double(value), number >= 1, number <= 10_000 else {
                    throw ParseError(message: "incident x must be a number from 1 to 10000, not '\(value)'.")
                }
                multiplier = number
            case "after":
                afterMs = try parseDuration(value, key: "after")
            case "for":
                durationMs = try parseDuration(value, key: "for")
            default:
                throw ParseError(message: "unknown incident key '\(pieces[0])'; the keys are org, model, x, after and for.")
            }
        }
        guard let multiplier else {
            throw ParseError(message: "incident '\(specification)' is missing x, the rate multiplier (e.g. x=20).")
        }
        guard organization != nil || model != nil else {
            throw ParseError(message: "incident '\(specification)' names neither org nor model; add org=ID or model=NAME.")
        }
        return SyntheticIncident(organization: organization, model: model, multiplier: multiplier, afterMs: afterMs, durationMs: durationMs)
    }

    private static func parseDuration(_ text: String, key: String) throws(ParseError) -> Int64 {
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let number = Double(text.dropLast(unit.suffix.count)), number >= 0 {
                return Int64(number * unit.milliseconds)
            }
        }
        if let seconds = Double(text), seconds >= 0 {
            return Int64(seconds * 1000)
        }
        throw ParseError(message: "incident \(key) must be a duration such as 90s, 2m or 500ms, not '\(text)'.")
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

// MARK: - Catalogs

/// A model with its provider, list prices and latency distribution.
struct SyntheticModel: Sendable {
    var provider: String
    var name: String
    /// USD per input token times 1e9, i.e. USD per million tokens times 1000.
    var inputNanosPerToken: Int64
    var outputNanosPerToken: Int64
    var latencyMedianMs: Double
    /// The standard deviation of the latency's natural logarithm.
    var latencySigma: Double
    /// The relative share of requests.
    var weight: Double

    // NOTE: prices are approximate list prices per million tokens from late 2025, and the latency
    // medians are invented. Both only need to look plausible on a dashboard.
    static let catalog: [SyntheticModel] = [
        SyntheticModel(provider: "anthropic", name: "claude-haiku-4-5-20251001", inputNanosPerToken: 1000, outputNanosPerToken: 5000, latencyMedianMs: 2200, latencySigma: 0.35, weight: 20),
        SyntheticModel(provider: "anthropic", name: "claude-sonnet-4-5-20250929", inputNanosPerToken: 3000, outputNanosPerToken: 15_000, latencyMedianMs: 4000, latencySigma: 0.4, weight: 15),
        SyntheticModel(provider: "anthropic", name: "claude-opus-4-1", inputNanosPerToken: 15_000, outputNanosPerToken: 75_000, latencyMedianMs: 9000, latencySigma: 0.45, weight: 3),
        SyntheticModel(provider: "openai", name: "gpt-5.1", inputNanosPerToken: 1250, outputNanosPerToken: 10_000, latencyMedianMs: 6000, latencySigma: 0.5, weight: 10),
        SyntheticModel(provider: "openai", name: "gpt-5-mini-2025-08-07", inputNanosPerToken: 250, outputNanosPerToken: 2000, latencyMedianMs: 3400, latencySigma: 0.4, weight: 10),
        SyntheticModel(provider: "openai", name: "gpt-5-nano-2025-08-07", inputNanosPerToken: 50, outputNanosPerToken: 400, latencyMedianMs: 1300, latencySigma: 0.35, weight: 5),
        SyntheticModel(provider: "openai", name: "gpt-4.1-2025-04-14", inputNanosPerToken: 2000, outputNanosPerToken: 8000, latencyMedianMs: 2900, latencySigma: 0.3, weight: 4),
        SyntheticModel(provider: "openai", name: "gpt-4o-mini-2024-07-18", inputNanosPerToken: 150, outputNanosPerToken: 600, latencyMedianMs: 1900, latencySigma: 0.3, weight: 3),
        SyntheticModel(provider: "google", name: "gemini-2.5-flash", inputNanosPerToken: 300, outputNanosPerToken: 2500, latencyMedianMs: 1600, latencySigma: 0.3, weight: 8),
        SyntheticModel(provider: "google", name: "gemini-2.5-pro", inputNanosPerToken: 1250, outputNanosPerToken: 10_000, latencyMedianMs: 5000, latencySigma: 0.45, weight: 3),
        SyntheticModel(provider: "openrouter", name: "anthropic/claude-haiku-4-5-20251001", inputNanosPerToken: 1000, outputNanosPerToken: 5000, latencyMedianMs: 2800, latencySigma: 0.4, weight: 4),
        SyntheticModel(provider: "openrouter", name: "meta-llama/llama-3.3-70b-instruct", inputNanosPerToken: 130, outputNanosPerToken: 400, latencyMedianMs: 2500, latencySigma: 0.5, weight: 3),
        SyntheticModel(provider: "openrouter", name: "deepseek/deepseek-chat-v3.1", inputNanosPerToken: 270, outputNanosPerToken: 1100, latencyMedianMs: 3500, latencySigma: 0.55, weight: 2),
        SyntheticModel(provider: "mock", name: "mock-model-v1", inputNanosPerToken: 0, outputNanosPerToken: 0, latencyMedianMs: 10, latencySigma: 0.3, weight: 2),
    ]
}

/// A calling service with its request type and token sizes.
struct SyntheticService: Sendable {
    var name: String
    var requestType: String
    var weight: Double
    var promptMedian: Double
    var promptSigma: Double
    var completionMedian: Double
    /// The share of its requests that carry no organization or user.
    var anonymousShare: Double

    static let catalog: [SyntheticService] = [
        SyntheticService(name: "cj_assessment_service", requestType: "comparison", weight: 70, promptMedian: 1800, promptSigma: 0.15, completionMedian: 200, anonymousShare: 0.01),
        SyntheticService(name: "nlp-service", requestType: "generation", weight: 10, promptMedian: 700, promptSigma: 0.4, completionMedian: 450, anonymousShare: 0.02),
        SyntheticService(name: "eng5_np_runner", requestType: "comparison", weight: 8, promptMedian: 2000, promptSigma: 0.15, completionMedian: 160, anonymousShare: 0.05),
        SyntheticService(name: "essay_feedback_service", requestType: "generation", weight: 7, promptMedian: 1200, promptSigma: 0.3, completionMedian: 600, anonymousShare: 0.0),
        SyntheticService(name: "llm_provider_service", requestType: "comparison", weight: 5, promptMedian: 1400, promptSigma: 0.2, completionMedian: 230, anonymousShare: 0.5),
    ]

    /// A prompt override with non-ASCII letters, as Swedish feedback prompts have.
    static let feedbackPrompt = "Ge återkoppling på uppsatsen: bedöm struktur, språk och argumentation. Svara kortfattat."
}

// MARK: - Random numbers and weights

/// xoshiro256** seeded through SplitMix64: fast, and the same on every platform for a given seed.
struct SeededRandom: Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Returns a uniform double in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a log-normal sample, `median * exp(sigma * z)` with `z` standard normal (Box-Muller).
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        let u1 = max(nextUnit(), 1e-300)
        let u2 = nextUnit()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return median * exp(sigma * z)
    }

    /// Returns a random version-4 UUID in lowercase, e.g. `1272758e-c8e2-46b1-a43a-13fd992f835b`.
    mutating func uuidString() -> String {
        var high = next()
        var low = next()
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC000_0000_0000_0000 as UInt64)) | 0x8000_0000_0000_0000
        let hex = Self.hex(high, digits: 16) + Self.hex(low, digits: 16)
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16])
            + "-" + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }

    /// `bytes` random bytes as lowercase hex.
    mutating func hexString(bytes: Int) -> String {
        var result = ""
        var remaining = bytes
        while remaining > 0 {
            let take = min(remaining, 8)
            result += Self.hex(next() >> UInt64(64 - take * 8), digits: take * 2)
            remaining -= take
        }
        return result
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// Cumulative weights for sampling an index by weight with a binary search.
struct CumulativeWeights: Sendable {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        var running = 0.0
        cumulative = weights.map { weight in
            running += weight
            return running
        }
    }

    /// Zipf-like weights `1 / k^exponent` for k = 1...count.
    init(zipfCount count: Int, exponent: Double) {
        self.init((1...max(1, count)).map { 1 / pow(Double($0), exponent) })
    }

    /// Returns the index whose share of the total contains `unit` (a uniform number in [0, 1)).
    func sample(_ unit: Double) -> Int {
        let target = unit * (cumulative.last ?? 0)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    func probability(of index: Int) -> Double {
        let previous = index == 0 ? 0 : cumulative[index - 1]
        return (cumulative[index] - previous) / (cumulative.last ?? 1)
    }
}

// MARK: - JSON in json.dumps form

/// Writes JSON the way Python's `json.dumps` does with its defaults.
struct PythonJSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a `", "` before it.
    private var needsSeparator = false

    init() {
        bytes.reserveCapacity(1024)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsSeparator = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsSeparator = true
    }

    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
        needsSeparator = false
    }

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsSeparator = true
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    /// Appends a literal that is already JSON: a number, `true`, `null`.
    mutating func raw(_ literal: String) {
        separate()
        bytes.append(contentsOf: literal.utf8)
        needsSeparator = true
    }

    private mutating func separate() {
        if needsSeparator {
            bytes.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")])
        }
    }

    /// Appends `text` quoted, with ASCII control characters, quotes and backslashes escaped as
    /// Python does, and every non-ASCII scalar as `\uXXXX` (a surrogate pair above U+FFFF).
    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": bytes.append(contentsOf: Array("\\\"".utf8))
            case "\\": bytes.append(contentsOf: Array("\\\\".utf8))
            case "\n": bytes.append(contentsOf: Array("\\n".utf8))
            case "\r": bytes.append(contentsOf: Array("\\r".utf8))
            case "\t": bytes.append(contentsOf: Array("\\t".utf8))
            case "\u{08}": bytes.append(contentsOf: Array("\\b".utf8))
            case "\u{0C}": bytes.append(contentsOf: Array("\\f".utf8))
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        let offset = scalar.value - 0x10000
                        appendEscape(0xD800 + (offset >> 10))
                        appendEscape(0xDC00 + (offset & 0x3FF))
                    } else {
                        appendEscape(scalar.value)
                    }
                } else {
                    bytes.append(UInt8(scalar.value))
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ codeUnit: UInt32) {
        let hex = String(codeUnit, radix: 16)
        bytes.append(contentsOf: Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8))
    }
}
