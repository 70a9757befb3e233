import Synchronization

/// The run's counters, shared by the generator loop, the senders and the reporter.
final class SimulatorStatistics: Sendable {
    private let counters = Mutex(StatisticsSnapshot())
    private let problems = Mutex<[String: Int]>([:])

    init() {}

    var snapshot: StatisticsSnapshot { counters.withLock { $0 } }

    func update(_ change: (inout StatisticsSnapshot) -> Void) {
        counters.withLock { change(&$0) }
    }

    /// Counts one occurrence of the problem `key` and says whether to log it: the 1st, 2nd,
    /// 4th, 8th… occurrence is logged (with its count), so a persistent fault cannot flood the
    /// log yet stays visible.
    func shouldLog(_ key: String) -> (log: Bool, count: Int) {
        let count = problems.withLock { counts -> Int in
            counts[key, default: 0] += 1
            return counts[key]!
        }
        return (count & (count - 1) == 0, count)
    }
}
