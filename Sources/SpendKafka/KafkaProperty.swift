/// One librdkafka configuration property, such as `security.protocol=SASL_SSL`.
public struct KafkaProperty: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether the value must never be shown: the name contains `password` or `secret`.
    public var isSecret: Bool {
        let lowercased = name.lowercased()
        return lowercased.contains("password") || lowercased.contains("secret")
    }

    /// The value, or `***` for a secret.
    public var displayValue: String {
        isSecret ? "***" : value
    }

    /// `name=value` with secrets shown as `***`, for logs and messages.
    public var description: String {
        "\(name)=\(displayValue)"
    }
}

extension Array where Element == KafkaProperty {
    /// Returns the value of the last property named `name`, because a later property overrides an earlier one.
    public func value(of name: String) -> String? {
        last { $0.name == name }?.value
    }
}
