import Synchronization

/// Keys the directory said it does not know (unknown or revoked), remembered for a while so a
/// repeated bad key costs no lookup. Bounded apart from the known keys: two generations, the
/// current one becoming the previous when it holds half the capacity or is older than the
/// period, so memory stays bounded whatever a flood sends and no entry of it can push out a
/// known key.
final class UnknownKeys: Sendable {
    private struct Generations {
        var current: [String: ContinuousClock.Instant] = [:]
        var previous: [String: ContinuousClock.Instant] = [:]
        var currentSince: ContinuousClock.Instant
    }

    private let period: Duration
    private let generationCapacity: Int
    private let generations: Mutex<Generations>

    init(remembering period: Duration, capacity: Int, now: ContinuousClock.Instant = .now) {
        self.period = period
        self.generationCapacity = max(capacity / 2, 1)
        self.generations = Mutex(Generations(currentSince: now))
    }

    func contains(_ key: String, now: ContinuousClock.Instant) -> Bool {
        generations.withLock { generations in
            guard let seen = generations.current[key] ?? generations.previous[key] else { return false }
            return now - seen < period
        }
    }

    func insert(_ key: String, now: ContinuousClock.Instant) {
        generations.withLock { generations in
            if generations.current.count >= generationCapacity || now - generations.currentSince >= period {
                generations.previous = generations.current
                generations.current = [:]
                generations.currentSince = now
            }
            generations.current[key] = now
        }
    }

    /// Keys remembered (possibly some already expired), at most the capacity.
    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }
}
