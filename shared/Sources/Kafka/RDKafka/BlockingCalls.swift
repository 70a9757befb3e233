import Dispatch
import Synchronization

/// Runs a blocking librdkafka call (commit, metadata, flush, close) on a Dispatch thread and
/// awaits it, keeping the cooperative pool free.
enum BlockingCalls {
    private static let queue = DispatchQueue(label: "gm.kafka.blocking", attributes: .concurrent)

    static func run<T: Sendable>(on queue: DispatchQueue = queue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Runs `body` but stops waiting after `timeout`: true when it finished in time. The call
    /// itself cannot be interrupted and finishes in the background.
    static func run(on queue: DispatchQueue, timeout: Duration, _ body: @escaping @Sendable () -> Void) async -> Bool {
        await withCheckedContinuation { continuation in
            let resumed = Atomic<Bool>(false)
            let resumeOnce: @Sendable (Bool) -> Void = { finished in
                if !resumed.exchange(true, ordering: .acquiringAndReleasing) { continuation.resume(returning: finished) }
            }
            queue.async {
                body()
                resumeOnce(true)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout.milliseconds))) {
                resumeOnce(false)
            }
        }
    }
}
