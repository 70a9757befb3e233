import Foundation
import GameMetricsKit
import Kafka

extension KafkaSecurityConfiguration {
    /// Reads `GM_KAFKA_SECURITY_PROTOCOL`: `plaintext` (the default, the local platform's
    /// devkafka) or `sasl_ssl` (the clusters' Strimzi listener), which then needs
    /// `GM_KAFKA_SASL_USERNAME` (the service's KafkaUser), `GM_KAFKA_SASL_PASSWORD[_FILE]`,
    /// `GM_KAFKA_SASL_MECHANISM` (`SCRAM-SHA-512`, the default, or `SCRAM-SHA-256`) and
    /// `GM_KAFKA_SSL_CA_FILE` (the cluster CA's PEM certificate; the system's trust store when
    /// unset). SASL variables given with `plaintext` are refused: a credential meant for the
    /// cluster would otherwise be silently unused.
    public init(environment: EnvironmentReader) throws {
        let saslVariables = ["GM_KAFKA_SASL_USERNAME", "GM_KAFKA_SASL_MECHANISM", "GM_KAFKA_SSL_CA_FILE"]
        let protocolName = environment.string("GM_KAFKA_SECURITY_PROTOCOL", default: "plaintext").lowercased()
        switch protocolName {
        case "plaintext":
            let given =
                saslVariables.filter { environment.optional($0) != nil }
                + (try environment.secret("GM_KAFKA_SASL_PASSWORD") != nil ? ["GM_KAFKA_SASL_PASSWORD"] : [])
            if let first = given.first {
                throw ConfigurationError(variable: first, problem: "is set but GM_KAFKA_SECURITY_PROTOCOL is plaintext (set it to sasl_ssl)")
            }
            self.init(.plaintext)
        case "sasl_ssl":
            let mechanismName = environment.string("GM_KAFKA_SASL_MECHANISM", default: SASLMechanism.scramSHA512.rawValue).uppercased()
            guard let mechanism = SASLMechanism(rawValue: mechanismName) else {
                throw ConfigurationError(
                    variable: "GM_KAFKA_SASL_MECHANISM",
                    problem: "must be one of \(SASLMechanism.allCases.map(\.rawValue).joined(separator: ", ")), not '\(mechanismName)'")
            }
            let username = try environment.required("GM_KAFKA_SASL_USERNAME")
            let password = try environment.requiredSecret("GM_KAFKA_SASL_PASSWORD")
            let caLocation = environment.optional("GM_KAFKA_SSL_CA_FILE")
            if let caLocation, !FileManager.default.isReadableFile(atPath: caLocation) {
                throw ConfigurationError(variable: "GM_KAFKA_SSL_CA_FILE", problem: "names a file that cannot be read: \(caLocation)")
            }
            self.init(.saslSSL(mechanism: mechanism, username: username, password: password, caLocation: caLocation))
        default:
            throw ConfigurationError(variable: "GM_KAFKA_SECURITY_PROTOCOL", problem: "must be plaintext or sasl_ssl, not '\(protocolName)'")
        }
    }
}
