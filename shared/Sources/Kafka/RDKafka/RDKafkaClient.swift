import CRdKafka
import Logging

/// Owns one `rd_kafka_t` handle. librdkafka handles are thread-safe; the wrapper only needs
/// to keep the handle alive as long as anything may call into it.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case producer, consumer
    }

    let handle: OpaquePointer
    let context: RDKafkaClientContext

    private init(handle: OpaquePointer, context: RDKafkaClientContext) {
        self.handle = handle
        self.context = context
    }

    /// Creates the handle; `configure` may install extra callbacks on the configuration first.
    static func make(
        _ kind: Kind, properties: [String: String], logger: Logger,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws -> RDKafkaClient {
        let configuration = try RDKafkaConfiguration.make(properties)
        let context = RDKafkaClientContext(logger: logger)
        rd_kafka_conf_set_opaque(configuration, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(configuration, rdKafkaLogCallback)
        configure(configuration)

        var errorText = [CChar](repeating: 0, count: 512)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, configuration, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(configuration)
            throw KafkaError.clientCreation(reason: String(errorBuffer: errorText))
        }
        return RDKafkaClient(handle: handle, context: context)
    }

    /// Asks a broker for cluster metadata: the cheapest proof that the cluster answers.
    func brokerCount(timeout: Duration) throws -> Int {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 0, nil, &metadata, Int32(timeout.milliseconds))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.metadataFailed(code: error.rawValue, reason: RDKafkaClient.describe(error))
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        return Int(metadata.pointee.broker_cnt)
    }

    /// The fatal error librdkafka raised, if any (idempotent producers can hit one).
    func fatalError() -> KafkaError? {
        var text = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &text, text.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return .fatal(code: code.rawValue, reason: String(errorBuffer: text))
    }

    static func describe(_ error: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(error))
    }

    deinit {
        rd_kafka_destroy(handle)
    }
}

/// State shared with librdkafka's C callbacks through the configuration's opaque pointer.
final class RDKafkaClientContext: @unchecked Sendable {
    let logger: Logger
    /// Set by the consumer before the handle exists; called on the polling thread only.
    var rebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?

    init(logger: Logger) {
        self.logger = logger
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaClientContext? {
        opaque.map { Unmanaged<RDKafkaClientContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// librdkafka's syslog levels mapped onto swift-log.
private let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    handle, level, facility, message in
    guard let handle, let context = RDKafkaClientContext.from(rd_kafka_opaque(handle)) else { return }
    let swiftLevel: Logger.Level =
        switch level {
        case ...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    context.logger.log(
        level: swiftLevel, "\(message.map { String(cString: $0) } ?? "")",
        metadata: ["rdkafka_facility": "\(facility.map { String(cString: $0) } ?? "")"])
}
