import Dispatch
import Foundation
import Logging
import Synchronization

/// Drives one subscription on its own connection and its own thread.
///
/// Why a thread: a subscribed connection spends its life blocked in a read, waiting for the next
/// message; that must not occupy a cooperative-pool thread nor a shared dispatch worker.
/// Stopping is prompt: `stop()` shuts the socket down, which wakes the blocked read at once.
/// When the connection breaks (server restart, network), it reconnects with capped exponential
/// backoff and subscribes again, to the next of its endpoints (a cluster's nodes; the one server in
/// single mode). Messages published while it is disconnected are lost, as with any Redis pub/sub
/// client: pub/sub is at-most-once.
final class RedisSubscriber: Sendable {
    private struct State {
        var isStopped = false
        /// The socket currently being read, or -1; only shut down while registered here.
        var fileDescriptor: Int32 = -1
    }

    typealias Continuation = AsyncThrowingStream<RedisPubSubMessage, any Error>.Continuation

    private let channels: [String]
    /// `channels` are glob patterns (PSUBSCRIBE) rather than channel names.
    private let patterns: Bool
    /// Asked before each connection attempt; attempts walk through the list.
    private let endpoints: @Sendable () -> [RedisEndpoint]
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let continuation: Continuation
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let onFinish: @Sendable (RedisSubscriber) -> Void

    static let initialBackoff: Duration = .milliseconds(50)
    static let maximumBackoff: Duration = .seconds(2)

    init(
        channels: [String],
        patterns: Bool = false,
        endpoints: @escaping @Sendable () -> [RedisEndpoint],
        configuration: RedisConfiguration,
        logger: Logger,
        continuation: Continuation,
        onFinish: @escaping @Sendable (RedisSubscriber) -> Void
    ) {
        self.channels = channels
        self.patterns = patterns
        self.endpoints = endpoints
        self.configuration = configuration
        self.logger = logger
        self.continuation = continuation
        self.onFinish = onFinish
    }

    func start() {
        let thread = Thread { [self] in
            run()
        }
        thread.name = "gamemetrics.redis.subscriber"
        thread.start()
    }

    /// Safe from any thread, any number of times.
    func stop() {
        state.withLock { state in
            guard !state.isStopped else { return }
            state.isStopped = true
            if state.fileDescriptor >= 0 {
                _ = shutdown(state.fileDescriptor, Int32(SHUT_RDWR))
            }
        }
        wakeUp.signal()
    }

    private var isStopped: Bool { state.withLock { $0.isStopped } }

    private func run() {
        defer {
            continuation.finish()
            onFinish(self)
        }
        var backoff = Self.initialBackoff
        var attempt = 0
        while !isStopped {
            let candidates = endpoints()
            let endpoint = candidates[attempt % candidates.count]
            attempt += 1
            do {
                try receive(from: endpoint, resetBackoff: { backoff = Self.initialBackoff })
            } catch .serverError(let message) {
                // SUBSCRIBE itself was refused (e.g. ACL): retrying cannot help.
                continuation.finish(throwing: RedisError.serverError(message))
                return
            } catch {
                if isStopped { return }
                logger.warning(
                    "redis subscription interrupted; reconnecting",
                    metadata: ["channels": "\(channels)", "endpoint": "\(endpoint)", "error": "\(error)", "retry_in": "\(backoff)"]
                )
                let milliseconds = backoff.components.seconds * 1_000 + backoff.components.attoseconds / 1_000_000_000_000_000
                _ = wakeUp.wait(timeout: .now() + .milliseconds(Int(milliseconds)))
                backoff = min(backoff * 2, Self.maximumBackoff)
            }
        }
    }

    /// One connection's life: connect, subscribe, deliver until the connection ends.
    private func receive(from endpoint: RedisEndpoint, resetBackoff: () -> Void) throws(RedisError) {
        let session = try HiredisSession.open(endpoint, configuration, commandTimeout: nil)
        let registered = state.withLock { state in
            guard !state.isStopped else { return false }
            state.fileDescriptor = session.fileDescriptor
            return true
        }
        guard registered else { return }
        defer {
            // Unregister before the session (and its socket) is freed, so `stop()` never shuts
            // down a descriptor number that may already belong to someone else.
            state.withLock { $0.fileDescriptor = -1 }
        }

        let subscribe = [Array((patterns ? "PSUBSCRIBE" : "SUBSCRIBE").utf8)] + channels.map { Array($0.utf8) }
        var confirmed = 0
        try session.append(subscribe)
        while true {
            let reply = try session.readReply()
            if case .error(let message) = reply {
                throw .serverError(message)
            }
            guard let parts = reply.array, let kind = parts.first?.string else { continue }
            switch kind {
            case "subscribe", "psubscribe":
                confirmed += 1
                if confirmed == channels.count {
                    resetBackoff()
                    logger.debug("redis subscription active", metadata: ["channels": "\(channels)"])
                }
            case "message" where parts.count == 3, "pmessage" where parts.count == 4:
                guard let channel = parts[parts.count - 2].string, let payload = parts[parts.count - 1].bytes else { continue }
                let result = continuation.yield(RedisPubSubMessage(channel: channel, payload: payload))
                switch result {
                case .dropped:
                    logger.warning("redis subscription buffer full; dropped a message", metadata: ["channel": "\(channel)"])
                case .terminated:
                    stop()
                    return
                default:
                    break
                }
            default:
                continue
            }
        }
    }
}
