import Foundation
import GameMetricsKit
import Synchronization

/// The `(tenant, event_id)`s acknowledged by Kafka recently, so a client's retry of an
/// accepted event is answered without writing it again.
///
/// Two generations of ids: the current one fills, and when it is `window` old or holds half of
/// `capacity` ids it becomes the previous one and the older generation is dropped. An id is
/// therefore remembered for at least `window` unless the capacity runs out first. This is a
/// per-replica optimisation; the processor's unique `(tenant_id, event_id)` is what makes
/// duplicates harmless fleet-wide.
final class RecentEventIDs: Sendable {
    private struct Key: Hashable {
        let tenantID: String
        let eventID: UUID
    }

    private struct Generations {
        var current: Set<Key> = []
        var previous: Set<Key> = []
        var currentSince: ContinuousClock.Instant
    }

    private let window: Duration
    private let capacity: Int
    private let generations: Mutex<Generations>

    init(window: Duration, capacity: Int) {
        self.window = window
        self.capacity = capacity
        self.generations = Mutex(Generations(currentSince: .now))
    }

    var isEnabled: Bool { capacity > 0 && window > .zero }

    /// Splits `events` into those not seen before (first occurrence within the request kept,
    /// in order) and the number of duplicates dropped.
    func unseen(_ events: [PlayerEvent]) -> (fresh: [PlayerEvent], duplicates: Int) {
        var inRequest = Set<UUID>(minimumCapacity: events.count)
        var fresh: [PlayerEvent] = []
        fresh.reserveCapacity(events.count)
        generations.withLock { generations in
            for event in events where inRequest.insert(event.eventID).inserted {
                let key = Key(tenantID: event.tenantID, eventID: event.eventID)
                if isEnabled, generations.current.contains(key) || generations.previous.contains(key) { continue }
                fresh.append(event)
            }
        }
        return (fresh, events.count - fresh.count)
    }

    /// Records events Kafka acknowledged.
    func remember(_ events: some Sequence<PlayerEvent>) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        generations.withLock { generations in
            for event in events {
                if now - generations.currentSince >= window || generations.current.count >= capacity / 2 {
                    generations.previous = generations.current
                    generations.current = Set(minimumCapacity: min(capacity / 2, 65_536))
                    generations.currentSince = now
                }
                generations.current.insert(Key(tenantID: event.tenantID, eventID: event.eventID))
            }
        }
    }

    /// Ids currently remembered (both generations).
    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }
}
