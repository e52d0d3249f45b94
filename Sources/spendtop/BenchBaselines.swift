import Foundation

/// The Python baseline of `spendtop bench`: `json.loads` per line and dictionaries per dimension.
///
/// `decode FILE RUNS` reads the file into memory first and prints one events/s figure per run;
/// `report FILE` reads, aggregates and prints the rows as JSON, for timing as a whole process.
let pythonBaseline = #"""
import json
import sys
import time

DIMENSIONS = ("provider", "model", "service_name", "organization_id", "user_id", "request_type")


def aggregate(lines):
    seen = set()
    rows = {}
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        data = event.get("data")
        if not isinstance(data, dict) or "cost_estimate_usd" not in data:
            continue
        event_id = event.get("event_id")
        if event_id in seen:
            continue
        seen.add(event_id)
        metadata = data.get("metadata")
        cached = data.get("cached") is True or (isinstance(metadata, dict) and metadata.get("cached") is True)
        cost = round(data["cost_estimate_usd"] * 1_000_000)
        usage = data.get("token_usage") or {}
        tokens = usage.get("total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
        latency = data.get("response_time_ms", 0)
        for dimension in DIMENSIONS:
            key = (dimension, data.get(dimension))
            row = rows.get(key)
            if row is None:
                row = rows[key] = [0, 0, 0, 0, 0]
            row[0] += 1
            row[1] += cost
            row[2] += tokens
            row[3] += cached
            row[4] = max(row[4], latency)
    return len(seen), rows


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as handle:
        lines = handle.read().splitlines()
    if mode == "decode":
        for _ in range(int(sys.argv[3])):
            started = time.perf_counter()
            aggregate(lines)
            print(len(lines) / (time.perf_counter() - started))
    else:
        events, rows = aggregate(lines)
        ordered = sorted(rows.items(), key=lambda item: -item[1][1])
        report = {"events": events, "rows": [[key[0], key[1], row] for key, row in ordered]}
        json.dump(report, sys.stdout)


main()
"""#

/// The envelope fields that the JSONDecoder baseline decodes.
private struct DecodableEnvelope: Decodable {
    struct Payload: Decodable {
        struct TokenUsage: Decodable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
            var total_tokens: Int?
        }

        struct Metadata: Decodable {
            var cached: Bool?
        }

        var provider: String
        var model: String
        var request_type: String?
        var cost_estimate_usd: Double
        var token_usage: TokenUsage?
        var user_id: String?
        var organization_id: String?
        var service_name: String?
        var response_time_ms: Int
        var cached: Bool?
        var cache_cost_savings_usd: Double?
        var metadata: Metadata?
    }

    var event_id: String
    var event_timestamp: String?
    var data: Payload
}

/// Sums of one row in the JSONDecoder baseline.
private struct BaselineRow {
    var requests = 0
    var spendMicros: Int64 = 0
    var tokens = 0
    var cacheHits = 0
    var maxLatency = 0
}

/// Decodes every message of `batch` with Foundation's JSONDecoder, aggregates it the way the
/// Python baseline does, and returns the events per second.
func measureJSONDecoder(_ batch: MessageBatch) -> Double {
    let decoder = JSONDecoder()
    var seen = Set<String>()
    var rows: [String: BaselineRow] = [:]
    let started = monotonicSeconds()
    batch.forEach { message in
        guard let envelope = try? decoder.decode(DecodableEnvelope.self, from: Data(buffer: message)) else { return }
        guard seen.insert(envelope.event_id).inserted else { return }
        let data = envelope.data
        let cached = data.cached == true || data.metadata?.cached == true
        let usage = data.token_usage
        let tokens = usage?.total_tokens ?? ((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0))
        let keys = [
            "provider:" + data.provider, "model:" + data.model, "service:" + (data.service_name ?? "-"),
            "org:" + (data.organization_id ?? "-"), "user:" + (data.user_id ?? "-"), "type:" + (data.request_type ?? "-"),
        ]
        for key in keys {
            var row = rows[key, default: BaselineRow()]
            row.requests += 1
            row.spendMicros += Int64((data.cost_estimate_usd * 1_000_000).rounded())
            row.tokens += tokens
            row.cacheHits += cached ? 1 : 0
            row.maxLatency = max(row.maxLatency, data.response_time_ms)
            rows[key] = row
        }
    }
    let elapsed = monotonicSeconds() - started
    precondition(!rows.isEmpty, "the JSONDecoder baseline decoded no message")
    return Double(batch.count) / elapsed
}
