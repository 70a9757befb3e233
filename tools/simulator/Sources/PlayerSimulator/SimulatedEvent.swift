import Foundation
import GameMetricsKit

/// One event as the simulator generates it: the envelope of docs/architecture.md#events without
/// `tenant_id` (ingestion takes the tenant from the write key), plus which tenant it is for.
struct SimulatedEvent: Sendable, Equatable {
    var eventID: UUID
    /// Index into the simulator's tenants; decides which write key sends it.
    var tenantIndex: Int
    var playerID: String
    var type: EventType
    /// Microseconds since 1970 on the virtual clock.
    var occurredAtMicros: Int64
    var gameID: String?
    var amount: Money?
    var properties: [EventProperty]

    /// The property called `key`, if present.
    func property(_ key: String) -> EventProperty.Value? {
        properties.first { $0.key == key }?.value
    }
}
