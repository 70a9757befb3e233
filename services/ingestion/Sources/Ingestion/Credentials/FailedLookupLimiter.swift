import Synchronization

/// Limits lookups of keys nobody has an answer for, per peer address: a token bucket of
/// `perSecond` tokens (burst the same). A lookup takes a token and gives it back when the key
/// turns out to be known, so the bucket counts failed lookups, and a peer sending unknown keys
/// costs the user service at most `perSecond` lookups per second. Peers are tracked up to
/// `maxPeers`; beyond that idle (full) buckets are forgotten, and if all are busy new peers
/// share one bucket, so memory stays bounded under a flood from many addresses.
final class FailedLookupLimiter: Sendable {
    private let perSecond: Double
    private let maxPeers: Int
    private struct State {
        var buckets: [String: TokenBucket] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    private let state = Mutex(State(lastSweep: .now))
    static let overflowPeer = "*"

    init(perSecond: Int, maxPeers: Int = 100_000) {
        self.perSecond = Double(perSecond)
        self.maxPeers = maxPeers
    }

    func admission(for peer: String) -> Admission { Admission(limiter: self, peer: peer) }

    struct Admission: LookupAdmission {
        let limiter: FailedLookupLimiter
        let peer: String

        func take() -> Duration? { limiter.take(peer) }
        func refund() { limiter.refund(peer) }
    }

    private func take(_ peer: String) -> Duration? {
        let now = ContinuousClock.now
        return state.withLock { state in
            var key = peer
            if state.buckets[key] == nil, state.buckets.count >= maxPeers {
                // A sweep costs a pass over every peer: at most one per second, however many
                // new addresses arrive.
                if now - state.lastSweep >= .seconds(1) {
                    state.lastSweep = now
                    state.buckets = state.buckets.filter { !$0.value.isFull(now: now) }
                }
                if state.buckets.count >= maxPeers { key = Self.overflowPeer }
            }
            var bucket = state.buckets[key] ?? TokenBucket(rate: perSecond, capacity: perSecond, now: now)
            let wait = bucket.take(now: now)
            state.buckets[key] = bucket
            return wait
        }
    }

    private func refund(_ peer: String) {
        state.withLock { state in
            let key = state.buckets[peer] == nil ? Self.overflowPeer : peer
            state.buckets[key]?.giveBack()
        }
    }
}
