/// Runs `work` as a child task racing a timer: the first to finish wins and the other is
/// cancelled. On expiry `TimeoutExceeded` is thrown — once `work` has ended, since a child task
/// is never left behind: `work` must end when cancelled, or be bounded itself (a PostgreSQL
/// statement is not ended by cancellation: ``PostgresNIO/PostgresClient/withTimedTransaction(statementTimeout:logger:isolation:_:)``
/// has the server end it). The platform's one timeout helper: readiness probes and the
/// processor's store attempts use it.
public func withTimeout<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: TimedResult<T>.self) { group in
        group.addTask { .finished(try await work()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .expired
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .finished(let value): return value
        case .expired: throw TimeoutExceeded(limit: limit)
        case nil: throw CancellationError()
        }
    }
}

/// Which side of the race in ``withTimeout(_:_:)`` ended first.
private enum TimedResult<T: Sendable>: Sendable {
    case finished(T)
    case expired
}
