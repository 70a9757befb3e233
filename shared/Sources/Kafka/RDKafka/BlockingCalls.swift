import Dispatch

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
}
