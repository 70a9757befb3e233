/// How a client authenticates to the brokers and protects its connections. Plaintext without
/// authentication is for the local platform (devkafka); the clusters' listener is TLS with
/// SCRAM-SHA-512 (charts/kafka), so the services there use `.saslSSL`.
public struct KafkaSecurityConfiguration: Sendable, Equatable {
    public enum SASLMechanism: String, Sendable, CaseIterable {
        case scramSHA512 = "SCRAM-SHA-512"
        case scramSHA256 = "SCRAM-SHA-256"
    }

    public enum Mode: Sendable, Equatable {
        case plaintext
        /// TLS to the brokers (verified against `caLocation`, or the system's trust store when
        /// nil, host names checked) with SASL authentication.
        case saslSSL(mechanism: SASLMechanism, username: String, password: String, caLocation: String?)
    }

    public var mode: Mode

    public init(_ mode: Mode) {
        self.mode = mode
    }

    public static let plaintext = KafkaSecurityConfiguration(.plaintext)

    /// The librdkafka properties that these settings fix; tuning properties may not override them.
    public static let fixedProperties: Set<String> = [
        "security.protocol", "sasl.mechanism", "sasl.mechanisms", "sasl.username", "sasl.password",
        "ssl.ca.location", "ssl.ca.pem", "ssl.endpoint.identification.algorithm", "enable.ssl.certificate.verification",
    ]

    var properties: [String: String] {
        switch mode {
        case .plaintext:
            return ["security.protocol": "plaintext"]
        case let .saslSSL(mechanism, username, password, caLocation):
            var properties = [
                "security.protocol": "sasl_ssl",
                "sasl.mechanisms": mechanism.rawValue,
                "sasl.username": username,
                "sasl.password": password,
                "ssl.endpoint.identification.algorithm": "https",
                "enable.ssl.certificate.verification": "true",
            ]
            if let caLocation { properties["ssl.ca.location"] = caLocation }
            return properties
        }
    }
}
