import Foundation
import GameMetricsKit
import Kafka

/// Asks the notification service to tell the tenant's operators that an erasure request ended:
/// a `notifications.requested` record (template `erasure_finished`, to the operators) keyed by
/// the request, whose idempotency key holds the request and its final status, so a repeat —
/// a redelivered completion, a second participant's late confirmation — queues nothing new.
/// It names the request, never the player.
struct ErasureFinishedNotice: Sendable {
    let producer: KafkaProducer
    let topic: String

    func send(tenantID: String, requestID: UUID, status: ErasureRequest.Status, completedAt: Date?) async throws {
        let id = requestID.uuidString.lowercased()
        var data = ["request_id": id, "status": status.rawValue]
        if let completedAt { data["finished_at"] = RFC3339.format(completedAt) }
        let record = Record(
            tenantID: tenantID, idempotencyKey: "erasure-finished:\(id):\(status.rawValue)", to: ["operators": true], template: "erasure_finished",
            data: data)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        _ = try await producer.send(
            KafkaProducerMessage(
                topic: topic, key: Array(tenantID.utf8), value: Array(try encoder.encode(record)),
                headers: [KafkaHeader(key: TraceParent.headerName, string: TraceParent.newRoot().description)]))
    }

    private struct Record: Encodable {
        let tenantID: String
        let idempotencyKey: String
        let to: [String: Bool]
        let template: String
        let data: [String: String]

        enum CodingKeys: String, CodingKey {
            case to, template, data
            case tenantID = "tenant_id"
            case idempotencyKey = "idempotency_key"
        }
    }
}
