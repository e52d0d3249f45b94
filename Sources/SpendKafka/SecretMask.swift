import Foundation

/// Replaces the values of secret properties (see `KafkaProperty.isSecret`) with `***` in text
/// that may quote them, such as librdkafka's log lines and error reasons.
public struct SecretMask: Sendable {
    /// The shortest value that is masked. A shorter one would mask common letters throughout
    /// the log while hiding next to nothing.
    /// - Note: a secret of 1 to 3 characters is therefore not masked in free text, but
    ///   `KafkaProperty.displayValue` still hides it in every echo of the configuration.
    public static let minimumLength = 4

    private let values: [String]

    /// Collects the secret values of `properties`, longest first, so that a secret that
    /// contains another is replaced whole.
    public init(_ properties: [KafkaProperty]) {
        values = Set(properties.filter(\.isSecret).map(\.value).filter { $0.count >= Self.minimumLength })
            .sorted { $0.count > $1.count }
    }

    public var isEmpty: Bool { values.isEmpty }

    /// Returns `text` with every occurrence of a secret value replaced by `***`.
    public func apply(_ text: String) -> String {
        var masked = text
        for value in values where masked.contains(value) {
            masked = masked.replacingOccurrences(of: value, with: "***")
        }
        return masked
    }
}
