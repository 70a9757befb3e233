import Synchronization

/// The names of the variables an ``EnvironmentReader`` was asked for, set or not.
///
/// Why it exists: the platform's call graph (which service talks to which, and to which
/// infrastructure) is derived from the `GM_*_URL`, `_ENDPOINT` and `_BOOTSTRAP` variables each
/// service actually reads while it is built, and the charts' network policies are checked against
/// it. Production readers have no recorder, so reading costs nothing more.
public final class EnvironmentReadRecorder: Sendable {
    private let names = Mutex<Set<String>>([])

    public init() {}

    /// Every name read so far.
    public var namesRead: Set<String> {
        names.withLock { $0 }
    }

    func record(_ name: String) {
        _ = names.withLock { $0.insert(name) }
    }
}
