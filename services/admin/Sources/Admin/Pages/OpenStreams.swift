import Synchronization

/// The number of open live streams, for the `gm_admin_live_streams` gauge.
final class OpenStreams: Sendable {
    private let count = Mutex(0)

    func change(by delta: Int) -> Int {
        count.withLock {
            $0 += delta
            return $0
        }
    }
}
