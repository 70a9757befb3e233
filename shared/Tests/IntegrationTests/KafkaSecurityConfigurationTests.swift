import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsTesting
import Kafka
import Logging
import Testing

/// The clusters' listener (charts/kafka) is TLS with SCRAM-SHA-512 and the cluster CA; devkafka
/// speaks plaintext only (librdkafka's mock cluster has no SASL), so no handshake is tested here:
/// these tests show that the `GM_KAFKA_*` security settings are read as documented and that the
/// system's librdkafka builds clients with them (SCRAM and TLS compiled in, the CA file parsed).
@Suite("Kafka TLS and SCRAM settings from GM_* variables")
struct KafkaSecurityConfigurationTests {
    let logger = Logger(label: "kafka-security-tests")
    let base = ["GM_KAFKA_BOOTSTRAP": "127.0.0.1:1"]

    @Test("sasl_ssl with SCRAM-SHA-512, a password file and the cluster CA builds a producer and a consumer")
    func saslSSLClientsBuild() async throws {
        try await withFiles { directory in
            let ca = try await makeCertificate(in: directory)
            let password = directory.appendingPathComponent("password")
            try Data("s3cret\n".utf8).write(to: password)
            let environment = EnvironmentReader(
                base.merging([
                    "GM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "GM_KAFKA_SASL_USERNAME": "ingestion",
                    "GM_KAFKA_SASL_PASSWORD_FILE": password.path, "GM_KAFKA_SSL_CA_FILE": ca.path,
                ]) { $1 })
            let producer = try KafkaProducerConfiguration(environment: environment, clientID: "test")
            #expect(producer.security == KafkaSecurityConfiguration(.saslSSL(mechanism: .scramSHA512, username: "ingestion", password: "s3cret", caLocation: ca.path)))
            _ = try KafkaProducer(configuration: producer, logger: logger)
            let consumer = try KafkaConsumerConfiguration(environment: environment, groupID: "g", topics: ["t"], clientID: "test")
            #expect(consumer.security == producer.security)
            _ = try KafkaConsumer(configuration: consumer, logger: logger)
        }
    }

    @Test("a CA file that is not a certificate is refused by librdkafka when the client is built")
    func badCertificateIsRefused() async throws {
        try await withFiles { directory in
            let ca = directory.appendingPathComponent("ca.crt")
            try Data("not a certificate\n".utf8).write(to: ca)
            let configuration = try KafkaProducerConfiguration(
                environment: EnvironmentReader(
                    base.merging([
                        "GM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "GM_KAFKA_SASL_USERNAME": "ingestion",
                        "GM_KAFKA_SASL_PASSWORD": "s3cret", "GM_KAFKA_SSL_CA_FILE": ca.path,
                    ]) { $1 }),
                clientID: "test")
            let error = #expect(throws: KafkaError.self) { _ = try KafkaProducer(configuration: configuration, logger: logger) }
            // librdkafka names the property and OpenSSL's reason.
            #expect(error?.description.contains("ssl.ca.location") == true, "\(String(describing: error))")
        }
    }

    @Test("an unknown protocol or mechanism, a missing credential, or SASL settings with plaintext are refused naming the variable")
    func badSettingsAreNamed() throws {
        let cases: [([String: String], String)] = [
            (["GM_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"], "GM_KAFKA_SECURITY_PROTOCOL"),
            (["GM_KAFKA_SECURITY_PROTOCOL": "ssl"], "GM_KAFKA_SECURITY_PROTOCOL"),
            (
                [
                    "GM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "GM_KAFKA_SASL_MECHANISM": "PLAIN",
                    "GM_KAFKA_SASL_USERNAME": "u", "GM_KAFKA_SASL_PASSWORD": "p",
                ], "GM_KAFKA_SASL_MECHANISM"
            ),
            (["GM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "GM_KAFKA_SASL_PASSWORD": "p"], "GM_KAFKA_SASL_USERNAME"),
            (["GM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "GM_KAFKA_SASL_USERNAME": "u"], "GM_KAFKA_SASL_PASSWORD"),
            (
                [
                    "GM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "GM_KAFKA_SASL_USERNAME": "u", "GM_KAFKA_SASL_PASSWORD": "p",
                    "GM_KAFKA_SSL_CA_FILE": "/nonexistent/ca.crt",
                ], "GM_KAFKA_SSL_CA_FILE"
            ),
            (["GM_KAFKA_SASL_USERNAME": "u"], "GM_KAFKA_SASL_USERNAME"),
            (["GM_KAFKA_SASL_PASSWORD": "p"], "GM_KAFKA_SASL_PASSWORD"),
        ]
        for (variables, named) in cases {
            let error = #expect(throws: ConfigurationError.self, "\(variables)") {
                try KafkaProducerConfiguration(environment: EnvironmentReader(base.merging(variables) { $1 }), clientID: "test")
            }
            #expect(error?.variable == named, "\(variables): \(String(describing: error))")
        }
    }

    @Test("without security variables the client stays plaintext, as devkafka needs")
    func plaintextByDefault() throws {
        let configuration = try KafkaProducerConfiguration(environment: EnvironmentReader(base), clientID: "test")
        #expect(configuration.security == .plaintext)
    }

    @Test("tuning properties cannot turn TLS or authentication off")
    func tuningCannotWeakenSecurity() {
        for value in ["security.protocol=plaintext", "enable.ssl.certificate.verification=false", "sasl.mechanisms=PLAIN"] {
            #expect(throws: ConfigurationError.self, "\(value)") {
                try KafkaProducerConfiguration(environment: EnvironmentReader(base.merging(["GM_KAFKA_PRODUCER_PROPERTIES": value]) { $1 }), clientID: "test")
            }
            #expect(throws: ConfigurationError.self, "\(value)") {
                try KafkaConsumerConfiguration(
                    environment: EnvironmentReader(base.merging(["GM_KAFKA_CONSUMER_PROPERTIES": value]) { $1 }), groupID: "g", topics: ["t"], clientID: "test")
            }
        }
    }

    @Test("a producer built for a Kafka access delivers to its topics and refuses any other, as the KafkaUser's ACLs would")
    func producerWritesOnlyPermittedTopics() async throws {
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        let permitted = "test.permitted.\(UUID().uuidString.prefix(8).lowercased())"
        let other = "test.other.\(UUID().uuidString.prefix(8).lowercased())"
        try await control.createTopic(permitted, partitions: 1)
        try await control.createTopic(other, partitions: 1)
        var configuration = KafkaProducerConfiguration(bootstrapServers: try TestServers.kafkaBootstrap, clientID: "permitted-topics")
        configuration.permittedTopics = KafkaAccess(produces: [permitted]).produces
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        #expect(producer.permits(permitted) && !producer.permits(other))
        let results = try await withRunningServices([producer], logger: logger) {
            await producer.send([
                KafkaProducerMessage(topic: permitted, key: "k", value: [1]),
                KafkaProducerMessage(topic: other, key: "k", value: [2]),
                KafkaProducerMessage(topic: permitted, key: "k", value: [3]),
            ])
        }
        #expect((try? results[0].get()) != nil, "\(results[0])")
        #expect((try? results[2].get()) != nil, "\(results[2])")
        guard case .failure(.produceRejected(_, let reason)) = results[1] else {
            Issue.record("a record for \(other) was not refused: \(results[1])")
            return
        }
        #expect(reason.contains(other) && reason.contains("KafkaAccess"))
    }

    private func withFiles<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gm-kafka-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    /// A self-signed CA certificate (PEM) from the system's openssl, as Strimzi's cluster CA is.
    private func makeCertificate(in directory: URL) async throws -> URL {
        let certificate = directory.appendingPathComponent("ca.crt")
        let result = try await ChildProcess.capture(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", directory.appendingPathComponent("ca.key").path, "-out", certificate.path,
                "-days", "1", "-subj", "/O=io.strimzi/CN=cluster-ca v0",
            ], in: directory)
        guard result.status == 0 else { throw CertificateFailed(stderr: result.standardError) }
        return certificate
    }

    struct CertificateFailed: Error { var stderr: String }
}
