import GameMetricsKit
import Kafka
import Logging

extension KafkaConsumerMessage {
    /// The `privacy.erasure` message this record carries; nil for a type that is not ours to
    /// handle, and nil (logged as an error) for a record that cannot be decoded, which every
    /// participant skips rather than stall the partition.
    public func erasureMessage(logger: Logger) -> ErasureMessage? {
        do {
            return try ErasureMessage.decode(value)
        } catch {
            logger.error("undecodable record on privacy.erasure skipped", metadata: [
                "partition": "\(partition)", "offset": "\(offset)", "error": "\(error)",
            ])
            return nil
        }
    }

    /// The W3C trace this record continues, from its `traceparent` header.
    public var traceParent: TraceParent? {
        headers.string(for: TraceParent.headerName).flatMap { TraceParent($0) }
    }
}
