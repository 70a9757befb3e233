import Foundation
import GameMetricsKit
import Kafka

/// A raw-topic record that is not a storable event. It goes to `player.events.invalid` with its
/// reasons (as ingestion's rejections do) and its offset is committed with the batch, so it never
/// stalls the partition.
struct PoisonRecord: Error, Sendable, Equatable {
    var tenantID: String
    var errors: [FieldError]
    var payload: [UInt8]
    var partition: Int32
    var offset: Int64

    init(record: KafkaConsumerMessage, errors: [FieldError]) {
        // The key's tenant part, when there is one: the invalid topic is keyed by tenant.
        let keyTenant = record.keyString.flatMap { $0.split(separator: ":", maxSplits: 1).first }.map(String.init)
        self.tenantID = keyTenant.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        self.errors = errors
        self.payload = record.value
        self.partition = record.partition
        self.offset = record.offset
    }

    /// An event the database refused on its own, with the database's error; the payload is the
    /// event as it was decoded (the record's bytes were freed after decoding).
    init(refused: RefusedEvent) {
        let event = refused.event
        tenantID = event.event.tenantID
        errors = [FieldError(field: "", reason: FieldError.Reason.storeRefused.rawValue, detail: refused.refusal.description)]
        payload = event.event.jsonBytes()
        partition = event.partition
        offset = event.offset
    }

    func invalidEventRecord(receivedAt: Date) -> InvalidEventRecord {
        let isJSON = (try? JSONValue(parsing: payload)) != nil
        return InvalidEventRecord(
            tenantID: tenantID, source: "processor", receivedAt: receivedAt, index: nil, errors: errors,
            payload: isJSON ? .json(payload) : .opaque(payload))
    }
}
