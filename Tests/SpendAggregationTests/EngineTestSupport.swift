import SpendAggregation
import SpendEvents

let farFutureWallClock: Int64 = 4_000_000_000_000

/// One cost event as a wire-format message, with the fields the engine tests vary.
func costMessage(
    id: String, second: Int64, provider: String = "anthropic", model: String = "claude-haiku-4-5",
    organization: String? = "acme", user: String? = "u1", cost: String = "0.010000",
    latency: Int = 1000, cached: Bool = false, savings: String? = nil,
    prompt: Int = 100, completion: Int = 50, service: String = "cj_assessment_service", total: Int? = nil
) -> String {
    let time = Timestamps.iso8601(seconds: second)
    let organizationJSON = organization.map { "\"\($0)\"" } ?? "null"
    let userJSON = user.map { "\"\($0)\"" } ?? "null"
    var data = "\"provider\": \"\(provider)\", \"model\": \"\(model)\", \"request_type\": \"comparison\", "
        + "\"cost_estimate_usd\": \(cost), \"token_usage\": {\"prompt_tokens\": \(prompt), \"completion_tokens\": \(completion), "
        + "\"total_tokens\": \(total ?? prompt + completion)}, \"user_id\": \(userJSON), \"organization_id\": \(organizationJSON), "
        + "\"service_name\": \"\(service)\", \"request_timestamp\": \"\(time)\", \"response_time_ms\": \(latency)"
    if cached { data += ", \"cached\": true" }
    if let savings { data += ", \"cache_cost_savings_usd\": \(savings)" }
    return "{\"event_id\": \"\(id)\", \"event_type\": \"llm_provider.cost.tracking\", \"event_timestamp\": \"\(time)\", "
        + "\"source_service\": \"llm_provider_service\", \"schema_version\": 1, \"data\": {\(data)}, \"metadata\": null}"
}

extension SpendEngine {
    func ingestAll(_ messages: [String]) {
        for message in messages {
            ingest(message, wallClockMilliseconds: farFutureWallClock)
        }
    }
}

extension QueryResult {
    func row(_ dimension: Dimension, _ key: String?) -> ReportRow? {
        rows[dimension]?.first { $0.key == key }
    }

    /// The result with every row's p50 to p99 set to 0, keeping the maximum latency: what `all`
    /// reports for events that have left the rolling windows.
    var withoutPercentiles: QueryResult {
        var copy = self
        copy.total = copy.total.withoutPercentiles
        copy.rows = copy.rows.mapValues { $0.map(\.withoutPercentiles) }
        return copy
    }
}

extension ReportRow {
    var withoutPercentiles: ReportRow {
        var copy = self
        copy.latency = LatencySummary(p50: 0, p90: 0, p95: 0, p99: 0, max: latency.max)
        return copy
    }
}
