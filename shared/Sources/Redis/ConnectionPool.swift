import Logging
import Synchronization

/// At most `capacity` connections, handed out one caller at a time. Callers beyond that wait in
/// FIFO order; a waiting caller whose task is cancelled leaves the queue with `CancellationError`.
///
/// Connections are created lazily (the first callers pay the connect) and are never closed just
/// because they broke: a `RedisConnection` reopens its own session, so the pool's count stays an
/// honest bound on sockets to the server.
final class ConnectionPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<RedisConnection, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        var all: [RedisConnection] = []
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    private enum Checkout {
        case ready(RedisConnection)
        case failed(any Error)
        case queued
    }

    let endpoint: RedisEndpoint
    private let capacity: Int
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    init(endpoint: RedisEndpoint, configuration: RedisConfiguration, logger: Logger) {
        precondition(configuration.poolSize > 0, "RedisConfiguration.poolSize must be at least 1")
        self.endpoint = endpoint
        self.capacity = configuration.poolSize
        self.configuration = configuration
        self.logger = logger
    }

    /// Borrows a connection for `body` and always gives it back.
    func withConnection<Value: Sendable>(
        _ body: (RedisConnection) async throws -> Value
    ) async throws -> Value {
        let connection = try await acquire()
        defer { release(connection) }
        return try await body(connection)
    }

    func acquire() async throws -> RedisConnection {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RedisConnection, any Error>) in
                let checkout: Checkout = state.withLock { state in
                    if state.isClosed { return .failed(RedisError.poolClosed) }
                    // Checked under the lock: a cancellation handler that already ran found no
                    // waiter to remove, so this must not enqueue one.
                    if Task.isCancelled { return .failed(CancellationError()) }
                    if let connection = state.idle.popLast() { return .ready(connection) }
                    if state.all.count < capacity {
                        let connection = RedisConnection(id: state.all.count, endpoint: endpoint, configuration: configuration, logger: logger)
                        state.all.append(connection)
                        return .ready(connection)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch checkout {
                case .ready(let connection): continuation.resume(returning: connection)
                case .failed(let error): continuation.resume(throwing: error)
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands the connection to the longest waiter, or parks it as idle.
    func release(_ connection: RedisConnection) {
        let waiter = state.withLock { state -> Waiter? in
            if !state.waiters.isEmpty {
                return state.waiters.removeFirst()
            }
            state.idle.append(connection)
            return nil
        }
        waiter?.continuation.resume(returning: connection)
    }

    /// Fails every waiter with `poolClosed` and closes every connection. Commands already running
    /// finish first (each connection closes on its own queue, after its current command).
    func close() async {
        let (waiters, connections) = state.withLock { state in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return (state.waiters, state.all)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: RedisError.poolClosed)
        }
        for connection in connections {
            await connection.close()
        }
    }
}
