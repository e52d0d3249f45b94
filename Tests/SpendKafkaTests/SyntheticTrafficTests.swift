import Foundation
import SpendEvents
import XCTest

final class SyntheticTrafficTests: XCTestCase {
    private let baseTimeMs: Int64 = 1_770_000_000_000

    private func generate(seed: UInt64, count: Int, incidents: [SyntheticIncident] = []) -> [SyntheticEvent] {
        var traffic = SyntheticTraffic(seed: seed, incidents: incidents)
        return (0..<count).map { traffic.nextEvent(at: baseTimeMs + Int64($0) * 10) }
    }

    private func object(_ event: SyntheticEvent) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(event.json)) as? [String: Any])
    }

    func testSameSeedGivesSameEvents() {
        let first = generate(seed: 7, count: 500)
        let second = generate(seed: 7, count: 500)
        XCTAssertEqual(first.map(\.eventID), second.map(\.eventID))
        XCTAssertEqual(first.map(\.json), second.map(\.json))
    }

    func testOtherSeedGivesOtherEvents() {
        let first = generate(seed: 7, count: 50)
        let second = generate(seed: 8, count: 50)
        XCTAssertTrue(Set(first.map(\.eventID)).isDisjoint(with: second.map(\.eventID)))
    }

    func testEventIDsAreUniqueUUIDs() {
        let events = generate(seed: 3, count: 5000)
        XCTAssertEqual(Set(events.map(\.eventID)).count, 5000)
        for event in events.prefix(100) {
            XCTAssertNotNil(UUID(uuidString: event.eventID), event.eventID)
            XCTAssertEqual(event.eventID, event.eventID.lowercased())
        }
    }

    func testJSONUsesPythonSeparators() {
        for event in generate(seed: 11, count: 300) {
            let text = String(decoding: event.json, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("{\"event_id\": \""), text)
            XCTAssertFalse(text.contains("\",\""), text)
            XCTAssertFalse(text.contains("\":\""), text)
            XCTAssertFalse(text.contains("\n"), text)
            XCTAssertTrue(text.contains("\", \"event_type\": \"llm_provider.cost.tracking\", \"event_timestamp\": \""), text)
        }
    }

    func testNonASCIIIsEscaped() {
        let events = generate(seed: 5, count: 400)
        XCTAssertTrue(events.allSatisfy { $0.json.allSatisfy { $0 < 0x80 } })
        let withPrompt = events.first { String(decoding: $0.json, as: UTF8.self).contains("prompt_override") }
        let text = String(decoding: try! XCTUnwrap(withPrompt).json, as: UTF8.self)
        XCTAssertTrue(text.contains("\"Ge \\u00e5terkoppling p\\u00e5 uppsatsen: bed\\u00f6m"), text)
    }

    func testTimestampsHaveSixDigitsAndZ() throws {
        let event = generate(seed: 1, count: 1)[0]
        let data = try object(event)
        let eventTime = try XCTUnwrap(data["event_timestamp"] as? String)
        XCTAssertTrue(eventTime.hasPrefix("2026-02-02T02:40:00."), eventTime)
        XCTAssertEqual(eventTime.count, "2026-02-02T02:40:00.000975Z".count)
        XCTAssertTrue(eventTime.hasSuffix("Z"))
        XCTAssertEqual(SyntheticTraffic.timestamp(micros: 0), "1970-01-01T00:00:00.000000Z")
        XCTAssertEqual(SyntheticTraffic.timestamp(micros: 951_782_400_123_456), "2000-02-29T00:00:00.123456Z")
    }

    func testCacheHitsCostZeroAndSave() throws {
        let events = generate(seed: 9, count: 2000)
        let hits = events.filter(\.cached)
        XCTAssertGreaterThan(hits.count, 100)
        for hit in hits {
            let payload = try XCTUnwrap(try object(hit)["data"] as? [String: Any])
            let text = String(decoding: hit.json, as: UTF8.self)
            XCTAssertTrue(text.contains("\"cost_estimate_usd\": 0.0,"), text)
            XCTAssertEqual(payload["cached"] as? Bool, true)
            let savings = try XCTUnwrap(payload["cache_cost_savings_usd"] as? Double)
            XCTAssertGreaterThan(savings, 0, text)
            let metadata = try XCTUnwrap(payload["metadata"] as? [String: Any])
            XCTAssertEqual(metadata["cached"] as? Bool, true)
            XCTAssertTrue((metadata["cache_key"] as? String)?.hasPrefix("llm_cache:") == true)
            XCTAssertEqual(hit.cost, .zero)
            XCTAssertEqual(Money(micros: Int64((savings * 1_000_000).rounded())), hit.cacheSavings)
        }
    }

    func testWrittenCostsSumToEventCosts() throws {
        var fromJSON = Money.zero
        var fromEvents = Money.zero
        for event in generate(seed: 21, count: 3000) {
            let payload = try XCTUnwrap(try object(event)["data"] as? [String: Any])
            let cost = try XCTUnwrap(payload["cost_estimate_usd"] as? Double)
            fromJSON += Money(micros: Int64((cost * 1_000_000).rounded()))
            fromEvents += event.cost
        }
        XCTAssertEqual(fromJSON, fromEvents)
        XCTAssertGreaterThan(fromEvents, .zero)
    }

    func testPayloadFieldsAreRealistic() throws {
        var providers = Set<String>()
        var requestTypes: [String: Int] = [:]
        var slashModels = 0
        for event in generate(seed: 13, count: 3000) {
            let payload = try XCTUnwrap(try object(event)["data"] as? [String: Any])
            providers.insert(try XCTUnwrap(payload["provider"] as? String))
            requestTypes[try XCTUnwrap(payload["request_type"] as? String), default: 0] += 1
            if (payload["model"] as? String)?.contains("/") == true { slashModels += 1 }
            let usage = try XCTUnwrap(payload["token_usage"] as? [String: Int])
            XCTAssertEqual(usage["total_tokens"], (usage["prompt_tokens"] ?? 0) + (usage["completion_tokens"] ?? 0))
            XCTAssertGreaterThan(try XCTUnwrap(payload["response_time_ms"] as? Int), 0)
        }
        XCTAssertEqual(providers, ["anthropic", "openai", "google", "openrouter", "mock"])
        XCTAssertGreaterThan(requestTypes["comparison"] ?? 0, 2 * (requestTypes["generation"] ?? 0))
        XCTAssertGreaterThan(requestTypes["generation"] ?? 0, 0)
        XCTAssertGreaterThan(slashModels, 0)
    }

    func testOrganizationsAreSkewed() {
        let events = generate(seed: 17, count: 5000)
        let first = events.filter { $0.organization == "district-1" }.count
        let fortieth = events.filter { $0.organization == "district-40" }.count
        XCTAssertGreaterThan(first, 10 * max(1, fortieth))
    }

    func testPythonFloatForm() {
        let cases: [(Int64, String)] = [
            (0, "0.0"), (1, "1e-06"), (12, "1.2e-05"), (50, "5e-05"), (99, "9.9e-05"), (100, "0.0001"),
            (39_795, "0.039795"), (1_500_000, "1.5"), (12_000_000, "12.0"), (-50, "-5e-05"),
        ]
        for (micros, expected) in cases {
            XCTAssertEqual(SyntheticTraffic.pythonFloat(Money(micros: micros)), expected, "\(micros) micro-dollars")
        }
    }

    func testIncidentSpecParses() throws {
        let incident = try SyntheticIncident.parse("org=district-42,model=claude-opus-4-1,x=20,after=60s,for=120s")
        XCTAssertEqual(incident, SyntheticIncident(organization: "district-42", model: "claude-opus-4-1", multiplier: 20, afterMs: 60_000, durationMs: 120_000))
    }

    func testIncidentSpecRejectsMistakes() {
        for bad in ["org=district-1", "x=5", "org=a,x=0.5", "org=a,x=2,after=soon", "model=gpt-9,x=2", "org=a,x=2,colour=red"] {
            XCTAssertThrowsError(try SyntheticIncident.parse(bad), bad)
        }
    }

    func testIncidentMultipliesPairTraffic() throws {
        let incident = try SyntheticIncident.parse("org=district-2,model=claude-opus-4-1,x=20,after=10s,for=10s")
        let events = generate(seed: 4, count: 3000, incidents: [incident])
        func pairCount(_ slice: ArraySlice<SyntheticEvent>) -> Int {
            slice.filter { $0.organization == "district-2" && $0.model == "claude-opus-4-1" }.count
        }
        // Events are 10 ms apart, so the incident covers events 1000 to 1999 of the base traffic.
        let before = pairCount(events[0..<1000])
        let during = events.filter(\.isIncidentExtra).count
        XCTAssertGreaterThan(during, 50)
        XCTAssertGreaterThan(during, 5 * max(1, before))
        let extras = events.filter(\.isIncidentExtra)
        XCTAssertTrue(extras.allSatisfy { $0.organization == "district-2" })
        XCTAssertTrue(extras.allSatisfy { $0.model == "claude-opus-4-1" })
    }
}
