import GameMetricsKit
import Kafka

extension KafkaConsumerMessage {
    /// The `privacy.erasure` message this record carries; nil for a type that is not ours to
    /// handle. Throws ``MalformedErasureMessage`` for a record no participant can use, which the
    /// participant dead-letters (`ConsumerLoop.runRecordByRecord(deadLetters:decode:handle:)`).
    public func erasureMessage() throws(MalformedErasureMessage) -> ErasureMessage? {
        try ErasureMessage.decode(value)
    }

    /// The W3C trace this record continues, from its `traceparent` header.
    public var traceParent: TraceParent? {
        headers.string(for: TraceParent.headerName).flatMap { TraceParent($0) }
    }
}
