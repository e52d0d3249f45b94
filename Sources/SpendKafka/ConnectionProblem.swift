import CRdKafka

/// The wording of a connection failure for the dashboard header and `report`'s stderr.
///
/// librdkafka's error text starts with the broker's name and ends with how long the connection
/// took, such as `sasl_plaintext://127.0.0.1:9092/bootstrap: Failed to initialize SASL
/// authentication: SASL Handshake not supported by broker (required by mechanism PLAIN) (after
/// 0ms in state AUTH_LEGACY)`. The header has one line, so both ends are cut, and the log file
/// keeps the full text.
enum ConnectionProblem {
    /// Returns the text to show for an error callback with `code` and librdkafka's `reason`.
    /// An authentication or TLS failure ends with the `-X` properties to check.
    static func text(code: rd_kafka_resp_err_t, reason: String) -> String {
        text(reason: reason, kind: kind(of: code))
    }

    enum Kind {
        case authentication, tls, other
    }

    static func kind(of code: rd_kafka_resp_err_t) -> Kind {
        switch code {
        case RD_KAFKA_RESP_ERR__AUTHENTICATION: return .authentication
        case RD_KAFKA_RESP_ERR__SSL: return .tls
        default: return .other
        }
    }

    static func text(reason: String, kind: Kind) -> String {
        let shortened = shorten(reason)
        switch kind {
        case .authentication:
            return "authentication failed: \(shortened); check -X security.protocol, sasl.mechanisms, sasl.username and sasl.password"
        case .tls:
            return "TLS failed: \(shortened); check -X security.protocol, ssl.ca.location and the ssl.* properties"
        case .other:
            return shortened
        }
    }

    /// Removes the leading broker names (`GroupCoordinator: `, `sasl_ssl://host:9093/1: `) and
    /// the trailing `(after 12ms in state CONNECT…)`, leaving librdkafka's own sentence.
    static func shorten(_ reason: String) -> String {
        var text = Substring(reason)
        while let colon = text.range(of: ": ") {
            let head = text[..<colon.lowerBound]
            // A broker name has no spaces: `GroupCoordinator`, `host:port/id`, `proto://host:port/id`.
            let isAddress = head.contains(":") && head.allSatisfy { $0.isLetter || $0.isNumber || ".:-_/[]".contains($0) }
            guard head == "GroupCoordinator" || isAddress else { break }
            text = text[colon.upperBound...]
        }
        if let after = text.range(of: " (after ", options: .backwards), text.hasSuffix(")") {
            text = text[..<after.lowerBound]
        }
        return text.isEmpty ? reason : String(text)
    }
}
