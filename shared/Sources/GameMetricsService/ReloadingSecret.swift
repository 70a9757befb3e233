import Foundation
import GameMetricsKit
import Logging
import Metrics
import Synchronization

/// A secret a service reads from files (`<VAR>_FILE`) that the kubelet keeps up to date, read
/// again while the service runs (ADR 0026): when External Secrets writes a rotated value into the
/// Secret, the kubelet swaps the mounted files and the next ``reload(logger:)`` (run every
/// `GM_SECRET_RELOAD_SECONDS` by ``SecretReloader``) parses them into a new value. Callers read
/// ``current`` on every use.
///
/// Files whose content has not changed are not parsed again. New content that does not parse
/// (a truncated key, a missing file) is refused: the last good value stays in use, the error is
/// logged without the value, `gm_secret_reload_rejected{secret}` is 1 until good content arrives,
/// and nothing crashes. A secret given inline (not as a file) never changes. Holders that must
/// act on a new value (re-seal what the old key sealed) register with ``onChange(_:)``.
public final class ReloadingSecret<Value: Sendable>: Sendable {
    public typealias Parse = @Sendable (EnvironmentReader) throws -> Value
    /// Runs after a new value is taken, within the reload (so within the reloader's `run()`); it
    /// handles its own errors.
    public typealias ChangeAction = @Sendable (Value) async -> Void

    /// What one reload did.
    public enum Outcome: Sendable, Equatable {
        case unchanged, applied, rejected
    }

    /// The name in logs and metrics, e.g. `write-key-mac`.
    public let name: String
    private let variables: [String]
    private let environment: EnvironmentReader
    private let parse: Parse
    private let state: Mutex<State>
    private let applied: Counter
    private let rejected: Counter
    private let rejecting: Gauge

    private struct State: Sendable {
        var value: Value
        /// The content of each `<VAR>_FILE` when last read (nil: not a file, or unreadable).
        var contents: [String: Data?]
        var actions: [ChangeAction] = []
    }

    /// Reads the secret now; a missing or malformed secret at start is a configuration error,
    /// as it was before reloading existed. `variables` are the ones `parse` reads as secrets.
    public init(name: String, variables: [String], environment: EnvironmentReader, parse: @escaping Parse) throws {
        self.name = name
        self.variables = variables
        self.environment = environment
        self.parse = parse
        let contents = Self.contents(of: variables, in: environment)
        state = Mutex(State(value: try parse(environment), contents: contents))
        applied = Counter(label: "gm_secret_reloads_total", dimensions: [("secret", name), ("outcome", "applied")])
        rejected = Counter(label: "gm_secret_reloads_total", dimensions: [("secret", name), ("outcome", "rejected")])
        // Not set at start: only a reload sets it, so a process holding several instances of
        // one secret (tests) does not reset what another instance reported.
        rejecting = Gauge(label: "gm_secret_reload_rejected", dimensions: [("secret", name)])
    }

    /// A value that never changes (given inline, or by a test of something else).
    public convenience init(name: String, fixed value: Value) {
        // No variables: nothing is read, so the parse cannot fail.
        try! self.init(name: name, variables: [], environment: EnvironmentReader([:])) { _ in value }
    }

    /// The value in use: the last one that parsed.
    public var current: Value {
        state.withLock { $0.value }
    }

    /// Runs `action` with each new value from now on.
    public func onChange(_ action: @escaping ChangeAction) {
        state.withLock { $0.actions.append(action) }
    }

    /// Reads the files again and takes their value when their content changed and parses, then
    /// runs the change actions.
    @discardableResult
    public func reload(logger: Logger) async -> Outcome {
        let contents = Self.contents(of: variables, in: environment)
        let changed = state.withLock { $0.contents != contents }
        guard changed else { return .unchanged }
        do {
            let value = try parse(environment)
            let actions = state.withLock { state in
                state.value = value
                state.contents = contents
                return state.actions
            }
            applied.increment()
            rejecting.record(0)
            logger.notice("secret reloaded from its files", metadata: ["secret": "\(name)"])
            for action in actions { await action(value) }
            return .applied
        } catch {
            // Remembered, so the same bad content is reported once, not on every tick.
            state.withLock { $0.contents = contents }
            rejected.increment()
            rejecting.record(1)
            // Errors name the variable and the problem, never the value (ConfigurationError).
            logger.error(
                "secret files hold a value that is refused; the previous value stays in use",
                metadata: [
                    "secret": "\(name)", "error": "\(error)",
                ])
            return .rejected
        }
    }

    private static func contents(of variables: [String], in environment: EnvironmentReader) -> [String: Data?] {
        var contents: [String: Data?] = [:]
        for variable in variables {
            guard let path = environment.optional(variable + "_FILE") else { continue }
            contents[variable] = FileManager.default.contents(atPath: path)
        }
        return contents
    }
}
