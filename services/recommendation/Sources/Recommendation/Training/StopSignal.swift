import Synchronization

/// Set once on graceful shutdown; read by training's worker threads between batches of rows.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    func stop() { flag.store(true, ordering: .relaxed) }

    var isStopped: Bool { flag.load(ordering: .relaxed) }
}
