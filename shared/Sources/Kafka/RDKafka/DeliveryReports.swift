import CRdKafka

/// Serves the producer's delivery reports through librdkafka's event API: one event carries the
/// reports of many records, so consecutive reports of the same `send` batch are settled with a
/// single atomic operation. Any thread may serve; each event is handed to exactly one.
final class DeliveryReports: @unchecked Sendable {
    private let client: RDKafkaClient
    private let queue: OpaquePointer

    /// Must be created before anything is produced: reports are only served from here.
    init(client: RDKafkaClient) {
        self.client = client
        self.queue = rd_kafka_queue_get_main(client.handle)
    }

    /// Configures a producer so its reports and errors arrive as events.
    static func configure(_ configuration: OpaquePointer) {
        rd_kafka_conf_set_events(configuration, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR))
    }

    /// Serves up to `maxEvents` events, waiting at most `timeoutMs` for the first one.
    func serve(timeoutMs: Int32, maxEvents: Int = 64) {
        var timeout = timeoutMs
        for _ in 0..<maxEvents {
            guard let event = rd_kafka_queue_poll(queue, timeout) else { return }
            defer { rd_kafka_event_destroy(event) }
            timeout = 0
            switch rd_kafka_event_type(event) {
            case RD_KAFKA_EVENT_DR:
                settleReports(of: event)
            case RD_KAFKA_EVENT_ERROR:
                let fatal = rd_kafka_event_error_is_fatal(event) != 0
                client.context.logger.log(
                    level: fatal ? .critical : .warning, "producer error",
                    metadata: ["error": "\(String(cString: rd_kafka_event_error_string(event)))", "fatal": "\(fatal)"])
            default:
                break
            }
        }
    }

    private func settleReports(of event: OpaquePointer) {
        var current: Unmanaged<DeliveryBatch>?
        var run = 0
        while let message = rd_kafka_event_message_next(event) {
            guard let batch = DeliveryBatch.record(UnsafeMutablePointer(mutating: message)) else { continue }
            if let active = current, active.toOpaque() != batch.toOpaque() {
                active._withUnsafeGuaranteedRef { $0.settle(run) }
                run = 0
            }
            current = batch
            run += 1
        }
        // Each batch holds itself alive until fully settled, so no retain is needed here.
        current?._withUnsafeGuaranteedRef { $0.settle(run) }
    }

    deinit {
        rd_kafka_queue_destroy(queue)
    }
}
