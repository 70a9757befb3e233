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
    /// The event id's 128 bits with the tenant mixed into the low half: 16 bytes per id instead
    /// of a string and a UUID. Two tenants' ids could only meet if one guessed the other's ids
    /// and chose to lose its own events to the match.
    private struct Key: Hashable {
        let high: UInt64
        let low: UInt64

        init(_ eventID: UUID, tenant: UInt64) {
            let (high, low) = withUnsafeBytes(of: eventID.uuid) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
            self.high = high
            self.low = low ^ tenant
        }
    }

    private struct Generations {
        var current: Set<Key>
        var previous: Set<Key> = []
        var currentSince: ContinuousClock.Instant
    }

    private let window: Duration
    private let capacity: Int
    private let generations: Mutex<Generations>
    /// Per-process seed for mixing tenants into keys.
    private let tenantSeed = UInt64.random(in: .min ... .max)

    init(window: Duration, capacity: Int) {
        self.window = window
        self.capacity = capacity
        // Each generation is allocated at its full size once: growing a set by doubling while
        // ids stream in would leave the freed halves as resident memory.
        self.generations = Mutex(Generations(current: Set(minimumCapacity: capacity / 2), currentSince: .now))
    }

    private func tenantKey(_ tenantID: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(tenantSeed)
        hasher.combine(tenantID)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    var isEnabled: Bool { capacity > 0 && window > .zero }

    /// Splits `events` (all of `tenantID`: a request has one credential) into those not seen
    /// before (first occurrence within the request kept, in order) and the number of duplicates.
    func unseen(_ events: [PlayerEvent], tenantID: String) -> (fresh: [PlayerEvent], duplicates: Int) {
        var inRequest = Set<UUID>(minimumCapacity: events.count)
        var fresh: [PlayerEvent] = []
        fresh.reserveCapacity(events.count)
        let tenant = tenantKey(tenantID)
        generations.withLock { generations in
            for event in events where inRequest.insert(event.eventID).inserted {
                let key = Key(event.eventID, tenant: tenant)
                if isEnabled, generations.current.contains(key) || generations.previous.contains(key) { continue }
                fresh.append(event)
            }
        }
        return (fresh, events.count - fresh.count)
    }

    /// Records events of `tenantID` that Kafka acknowledged.
    func remember(_ events: [PlayerEvent], tenantID: String) {
        guard isEnabled, !events.isEmpty else { return }
        let now = ContinuousClock.now
        let tenant = tenantKey(tenantID)
        generations.withLock { generations in
            for event in events {
                if now - generations.currentSince >= window || generations.current.count >= capacity / 2 {
                    generations.previous = generations.current
                    generations.current = Set(minimumCapacity: capacity / 2)
                    generations.currentSince = now
                }
                generations.current.insert(Key(event.eventID, tenant: tenant))
            }
        }
    }

    /// Ids currently remembered (both generations).
    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }
}
