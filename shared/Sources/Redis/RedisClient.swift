import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Redis client over hiredis with a bounded connection pool.
///
/// Every command borrows one pooled connection (waiting, in FIFO order, when all `poolSize` are
/// busy), runs on that connection's own dispatch queue and returns it. A connection that the server
/// closed or that failed is reopened on its next use, so the client outlives Redis restarts without
/// being recreated. Nothing is retried silently: a command that was in flight when the connection
/// broke throws `RedisError.connectionLost`, one that could not be sent throws
/// `RedisError.connectionFailed`, one that got no answer within `commandTimeout` throws
/// `RedisError.timeout`. A caller waiting for a connection whose task is cancelled gets
/// `CancellationError`; a command already sent runs to completion or timeout.
///
/// In cluster mode (`RedisConfiguration.Mode.cluster`) each command goes to the master serving its
/// key's slot, through a pool per node, and the cluster's `MOVED`/`ASK` redirects and failovers are
/// followed within bounds (see `ClusterRouter`). Keys used together must share a hash tag
/// (`RedisKeys.tenant`). Commands without a key (`PING`, `PUBLISH`, `DBSIZE`, `KEYS`, ...) run
/// on one node, not on all.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let logger: Logger
    private let backend: Backend
    private let subscribers = Mutex(Subscribers())

    private enum Backend: Sendable {
        case single(ConnectionPool)
        case cluster(ClusterRouter)
    }

    private struct Subscribers {
        var active: [ObjectIdentifier: RedisSubscriber] = [:]
        var isClosed = false
    }

    /// Messages a subscription holds for a consumer that has not caught up yet.
    public static let subscriptionBufferSize = 10_000

    /// `configuration.poolSize` must be at least 1.
    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "gamemetrics.redis")) {
        Self.ignoreSIGPIPE
        self.configuration = configuration
        self.logger = logger
        switch configuration.mode {
        case .single:
            backend = .single(ConnectionPool(endpoint: RedisEndpoint(host: configuration.host, port: configuration.port), configuration: configuration, logger: logger))
        case .cluster:
            backend = .cluster(ClusterRouter(seeds: configuration.seeds, configuration: configuration, logger: logger))
        }
    }

    /// hiredis writes with `write(2)`; a write to a socket the server just closed would raise
    /// SIGPIPE and kill the process. Ignoring it turns that into an EPIPE error, i.e.
    /// `connectionLost`. Every network server ignores SIGPIPE; this does it once per process.
    private static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    // MARK: Commands

    /// Round trip to the server (in cluster mode: to one node); throws unless it answers `PONG`.
    public func ping() async throws {
        let reply = try await execute(["PING"])
        guard reply.string == "PONG" else { throw RedisError.unexpectedReply(reply) }
    }

    /// The value of `key` as UTF-8 text, or `nil` when the key does not exist.
    public func get(_ key: String) async throws -> String? {
        try await getBytes(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The raw bytes of `key`, or `nil` when the key does not exist.
    public func getBytes(_ key: String) async throws -> [UInt8]? {
        switch try await send([bytes("GET"), bytes(key)]) {
        case .bulkString(let value): return value
        case .null: return nil
        case let other: throw RedisError.unexpectedReply(other)
        }
    }

    /// `SET key value [PX ttl]`. A `ttl` is rounded up to whole milliseconds.
    public func set(_ key: String, _ value: String, ttl: Duration? = nil) async throws {
        try await set(key, Array(value.utf8), ttl: ttl)
    }

    /// Binary-safe `SET key value [PX ttl]`.
    public func set(_ key: String, _ value: [UInt8], ttl: Duration? = nil) async throws {
        let reply = try await send(setArguments(key, value, ttl: ttl, onlyIfAbsent: false))
        guard case .status = reply else { throw RedisError.unexpectedReply(reply) }
    }

    /// `SET key value NX [PX ttl]` when `onlyIfAbsent` is true (a lock or an idempotency marker);
    /// returns whether the value was written. With `onlyIfAbsent == false` it is a plain `SET`.
    @discardableResult
    public func set(_ key: String, _ value: String, ttl: Duration? = nil, onlyIfAbsent: Bool) async throws -> Bool {
        let reply = try await send(setArguments(key, Array(value.utf8), ttl: ttl, onlyIfAbsent: onlyIfAbsent))
        switch reply {
        case .status: return true
        case .null: return false
        default: throw RedisError.unexpectedReply(reply)
        }
    }

    /// `DEL keys...`; returns how many keys existed.
    @discardableResult
    public func delete(_ keys: String...) async throws -> Int {
        try await delete(keys)
    }

    /// `DEL keys...`; returns how many keys existed.
    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await integer(send([bytes("DEL")] + keys.map(bytes)))
    }

    /// `INCRBY key amount`; returns the new value. Not idempotent: never retried here.
    @discardableResult
    public func increment(_ key: String, by amount: Int = 1) async throws -> Int {
        try await integer(send([bytes("INCRBY"), bytes(key), bytes(String(amount))]))
    }

    /// `PEXPIRE key ttl`; returns false when the key does not exist.
    @discardableResult
    public func expire(_ key: String, after ttl: Duration) async throws -> Bool {
        try await integer(send([bytes("PEXPIRE"), bytes(key), bytes(String(milliseconds(ttl)))])) == 1
    }

    /// `PUBLISH channel message`; returns how many subscribers received it.
    @discardableResult
    public func publish(channel: String, message: String) async throws -> Int {
        try await integer(send([bytes("PUBLISH"), bytes(channel), bytes(message)]))
    }

    /// Any command, e.g. `["HSET", "player:1", "level", "3"]`. An error reply throws
    /// `RedisError.serverError`; every other reply is returned as is.
    public func execute(_ command: [String]) async throws -> RedisValue {
        precondition(!command.isEmpty, "a Redis command needs at least its name")
        return try await send(command.map(bytes))
    }

    /// Sends all commands in one write on one connection and returns their replies in order.
    /// Error replies come back as `.error` in their slot; a broken connection throws for the batch
    /// (and which commands ran is then unknown). In cluster mode each node gets its share in one
    /// write; see `ClusterRouter.pipeline` for transactions and redirects.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        precondition(commands.allSatisfy { !$0.isEmpty }, "a Redis command needs at least its name")
        let arguments = commands.map { $0.map(bytes) }
        switch backend {
        case .single(let pool):
            return try await pool.withConnection { connection in
                try await connection.sendPipeline(arguments)
            }
        case .cluster(let router):
            return try await router.pipeline(arguments)
        }
    }

    // MARK: Pub/sub

    /// Subscribes to `channels` on a connection of its own (outside the pool). See
    /// `RedisSubscription` for how it ends and what happens when the server restarts.
    ///
    /// In cluster mode it listens on one node: a cluster delivers every `PUBLISH` to all its nodes,
    /// so any node will do. When that node goes away it moves on to the next known node.
    public func subscribe(to channels: [String]) -> RedisSubscription {
        subscribe(channels, patterns: false)
    }

    /// Subscribes to every channel matching one of the glob-style `patterns` (`PSUBSCRIBE`), as
    /// ``subscribe(to:)`` does to named channels; each message names the channel it came on.
    public func subscribe(toPatterns patterns: [String]) -> RedisSubscription {
        subscribe(patterns, patterns: true)
    }

    private func subscribe(_ channels: [String], patterns: Bool) -> RedisSubscription {
        precondition(!channels.isEmpty, "subscribe needs at least one channel")
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: RedisPubSubMessage.self,
            throwing: (any Error).self,
            bufferingPolicy: .bufferingOldest(Self.subscriptionBufferSize)
        )
        let endpoints: @Sendable () -> [RedisEndpoint]
        switch backend {
        case .single:
            let endpoint = RedisEndpoint(host: configuration.host, port: configuration.port)
            endpoints = { [endpoint] }
        case .cluster(let router):
            endpoints = { router.subscriptionEndpoints() }
        }
        let subscriber = RedisSubscriber(
            channels: channels, patterns: patterns, endpoints: endpoints, configuration: configuration, logger: logger, continuation: continuation,
            onFinish: { [weak self] finished in
                _ = self?.subscribers.withLock { $0.active.removeValue(forKey: ObjectIdentifier(finished)) }
            }
        )
        continuation.onTermination = { _ in subscriber.stop() }
        let accepted = subscribers.withLock { state in
            guard !state.isClosed else { return false }
            state.active[ObjectIdentifier(subscriber)] = subscriber
            return true
        }
        if accepted {
            subscriber.start()
        } else {
            continuation.finish(throwing: RedisError.poolClosed)
        }
        return RedisSubscription(stream: stream)
    }

    // MARK: Lifecycle

    /// Ends every subscription, fails waiting callers with `poolClosed`, and closes all
    /// connections after their current command. Later calls throw `RedisError.poolClosed`.
    public func shutdown() async {
        let active = subscribers.withLock { state in
            state.isClosed = true
            return Array(state.active.values)
        }
        for subscriber in active {
            subscriber.stop()
        }
        switch backend {
        case .single(let pool): await pool.close()
        case .cluster(let router): await router.close()
        }
    }

    // MARK: Helpers

    private func send(_ arguments: [[UInt8]]) async throws -> RedisValue {
        let reply: RedisValue
        switch backend {
        case .single(let pool):
            reply = try await pool.withConnection { connection in
                try await connection.send(arguments)
            }
        case .cluster(let router):
            reply = try await router.send(arguments)
        }
        if case .error(let message) = reply {
            throw RedisError.serverError(message)
        }
        return reply
    }

    private func integer(_ reply: RedisValue) throws -> Int {
        guard case .integer(let value) = reply else { throw RedisError.unexpectedReply(reply) }
        return value
    }

    private func setArguments(_ key: String, _ value: [UInt8], ttl: Duration?, onlyIfAbsent: Bool) -> [[UInt8]] {
        var arguments = [bytes("SET"), bytes(key), value]
        if let ttl {
            arguments += [bytes("PX"), bytes(String(milliseconds(ttl)))]
        }
        if onlyIfAbsent {
            arguments.append(bytes("NX"))
        }
        return arguments
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Rounds up, so a sub-millisecond TTL still expires instead of being rejected as 0.
    private func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let whole = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        return attoseconds % 1_000_000_000_000_000 > 0 ? whole + 1 : whole
    }
}
