import Synchronization

/// An attempt that took longer than its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "no answer within \(limit)" }
}

/// Runs `work` in a task of its own and waits for it at most `limit`. On expiry the task is
/// cancelled and left behind, and `DeadlineExceeded` is thrown: a write stuck on a connection
/// the server dropped must not stall the consumer for good. The work must be idempotent, since
/// an abandoned attempt may still finish after the caller has tried again.
func withDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let attempt = Task { try await work() }
    let answer = FirstAnswer()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let timer = Task {
            try? await Task.sleep(for: limit)
            guard answer.claim() else { return }
            attempt.cancel()
            continuation.resume(throwing: DeadlineExceeded(limit: limit))
        }
        Task {
            let result = await attempt.result
            guard answer.claim() else { return }
            timer.cancel()
            continuation.resume(with: result)
        }
    }
}

/// Lets exactly one of the racers resume the continuation.
private final class FirstAnswer: Sendable {
    private let answered = Mutex(false)

    func claim() -> Bool {
        answered.withLock { answered in
            defer { answered = true }
            return !answered
        }
    }
}
