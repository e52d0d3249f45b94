import Foundation
import XCTest

final class ReportEndToEndTests: XCTestCase {
    func path(_ name: String) -> String {
        BinaryRunner.fixtures.appendingPathComponent(name).path
    }

    func testJSONMatchesGoldenFile() throws {
        let output = try BinaryRunner.run(["report", "--file", path("cost_tracking.jsonl"), "--format", "json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let golden = try String(contentsOf: BinaryRunner.fixtures.appendingPathComponent("golden/report-cost_tracking.json"), encoding: .utf8)
        XCTAssertEqual(output.stdout, golden)
    }

    /// The totals a hand count of cost_tracking.jsonl gives: 20 events, 3 cache hits, 0.589555 USD.
    func testJSONTotalsMatchHandCount() throws {
        let output = try BinaryRunner.run(["report", "--file", path("cost_tracking.jsonl"), "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let total = try XCTUnwrap(document?["total"] as? [String: Any])
        XCTAssertEqual(total["requests"] as? Int, 20)
        XCTAssertEqual(total["cache_hits"] as? Int, 3)
        XCTAssertEqual((total["spend_usd"] as? NSNumber)?.stringValue, "0.589555")
        let latency = try XCTUnwrap(total["latency_ms"] as? [String: Int])
        XCTAssertEqual(latency["max"], 6120)
        // Nearest-rank p50 of the 20 latencies is 2140 ms; the sketch answers within 1%.
        XCTAssertEqual(Double(latency["p50"] ?? 0), 2140, accuracy: 21.4)
        let counts = try XCTUnwrap(document?["counts"] as? [String: Any])
        XCTAssertEqual(counts["events"] as? Int, 20)
        let byProvider = try XCTUnwrap((document?["by"] as? [String: Any])?["provider"] as? [[String: Any]])
        XCTAssertEqual(byProvider.map { $0["key"] as? String }, ["openai", "anthropic", "openrouter", "google", "mock"])
    }

    func testAllFixturesFromStandardInputCountEveryReason() throws {
        var input = Data()
        for name in ["cost_tracking.jsonl", "cost_tracking_edge.jsonl", "request_completed.jsonl"] {
            input.append(try Data(contentsOf: BinaryRunner.fixtures.appendingPathComponent(name)))
        }
        input.append(Data("not json at all\n{\"truncated\": \n".utf8))
        let output = try BinaryRunner.run(["report", "--file", "-", "--format", "json"], input: input)
        XCTAssertEqual(output.status, 0, output.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let counts = try XCTUnwrap(document?["counts"] as? [String: Any])
        XCTAssertEqual(counts["messages"] as? Int, 37)
        XCTAssertEqual(counts["events"] as? Int, 32)
        let skipped = try XCTUnwrap(counts["skipped"] as? [String: Int])
        XCTAssertEqual(skipped["other_event_type"], 3)
        XCTAssertEqual(skipped["not_json"], 2)
        XCTAssertEqual(skipped["invalid"], 0)
    }

    func testFilterAndWindowNarrowTheReport() throws {
        let output = try BinaryRunner.run([
            "report", "--file", path("cost_tracking.jsonl"), "--format", "csv",
            "--filter", "provider=anthropic", "--window", "15m",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = output.stdout.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("dimension,key,requests,spend_usd"))
        XCTAssertTrue(lines[1].hasPrefix("total,,"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("provider,anthropic,") })
        XCTAssertFalse(lines.contains { $0.hasPrefix("provider,openai,") })
    }

    func testTableShowsCountsAndRows() throws {
        let output = try BinaryRunner.run(["report", "--file", path("cost_tracking.jsonl")])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("events 20   duplicates 0   late 0"))
        XCTAssertTrue(output.stdout.contains("0.589555"))
        XCTAssertTrue(output.stdout.contains("PROVIDER"))
    }

    func testUsageErrorsSayTheFix() throws {
        let badFilter = try BinaryRunner.run(["report", "--file", path("cost_tracking.jsonl"), "--filter", "orgg=x"])
        XCTAssertEqual(badFilter.status, 64)
        XCTAssertTrue(badFilter.stderr.contains("unknown field 'orgg' at column 1"), badFilter.stderr)
        let badWindow = try BinaryRunner.run(["report", "--file", path("cost_tracking.jsonl"), "--window", "2m"])
        XCTAssertEqual(badWindow.status, 64)
        XCTAssertTrue(badWindow.stderr.contains("use one of 1m, 5m, 15m, 1h, 24h, all"), badWindow.stderr)
        let missingFile = try BinaryRunner.run(["report", "--file", "/nonexistent/x.jsonl"])
        XCTAssertEqual(missingFile.status, 1)
        XCTAssertTrue(missingFile.stderr.contains("cannot open /nonexistent/x.jsonl"), missingFile.stderr)
    }

    func testOversizedLineIsSkippedAsInvalid() throws {
        var input = Data(String(repeating: "x", count: 3_000_000).utf8)
        input.append(Data("\n".utf8))
        input.append(try Data(contentsOf: BinaryRunner.fixtures.appendingPathComponent("cost_tracking.jsonl")))
        let output = try BinaryRunner.run(["report", "--file", "-", "--format", "json"], input: input)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("\"invalid\": 1"), output.stdout)
        XCTAssertTrue(output.stdout.contains("\"events\": 20"))
    }
}
