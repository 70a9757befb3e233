import Dispatch
import Logging

/// A pool slot: a hiredis session that is opened lazily, replaced when broken, and driven from its
/// own serial `DispatchQueue`.
///
/// Why a queue per connection: hiredis blocks its thread for a whole round trip (up to
/// `commandTimeout`). Serial queues created here run on libdispatch's overcommitting threads, so a
/// slow server blocks those threads, never the Swift cooperative pool that the services' request
/// handling needs. The continuation hands the result back to the awaiting task.
final class RedisConnection: @unchecked Sendable {
    private let endpoint: RedisEndpoint
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let queue: DispatchQueue
    /// Only read or written on `queue`.
    private var session: HiredisSession?
    /// Only read or written on `queue`; once set, no session is opened again.
    private var isClosed = false

    init(id: Int, endpoint: RedisEndpoint, configuration: RedisConfiguration, logger: Logger) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.logger = logger
        self.queue = DispatchQueue(label: "gamemetrics.redis.connection.\(endpoint).\(id)")
    }

    /// Runs one command. Throws `connectionFailed` when no session could be opened (nothing sent).
    func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RedisValue {
        try await perform { session throws(RedisError) in try session.command(arguments) }
    }

    /// Writes all commands in one go, then reads one reply per command, in order. Server error
    /// replies stay in the result as `.error`; a connection failure throws for the whole batch.
    func sendPipeline(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RedisValue] {
        try await perform { session throws(RedisError) in
            for command in commands {
                try session.append(command)
            }
            var replies: [RedisValue] = []
            replies.reserveCapacity(commands.count)
            for _ in commands {
                replies.append(try session.readReply())
            }
            return replies
        }
    }

    /// Closes the session, if any, on the queue so it cannot race a command still running.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.isClosed = true
                self.session = nil
                continuation.resume()
            }
        }
    }

    private func perform<Value: Sendable>(
        _ body: @escaping @Sendable (HiredisSession) throws(RedisError) -> Value
    ) async throws(RedisError) -> Value {
        let result: Result<Value, RedisError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.runOnQueue(body))
            }
        }
        return try result.get()
    }

    private func runOnQueue<Value>(
        _ body: (HiredisSession) throws(RedisError) -> Value
    ) -> Result<Value, RedisError> {
        let session: HiredisSession
        do {
            session = try currentSession()
        } catch {
            return .failure(error)
        }
        do {
            return .success(try body(session))
        } catch {
            if session.isBroken {
                // hiredis will not use this context again; the next command opens a fresh one.
                self.session = nil
                logger.warning("redis connection discarded", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            }
            return .failure(error)
        }
    }

    /// The open session, replacing one that broke or that the server closed while it sat idle.
    private func currentSession() throws(RedisError) -> HiredisSession {
        if isClosed { throw .poolClosed }
        if let session, session.isHealthyWhenIdle {
            return session
        }
        if session != nil {
            logger.info("redis connection closed by the server while idle; reconnecting")
            session = nil
        }
        let fresh = try HiredisSession.open(endpoint, configuration, commandTimeout: configuration.commandTimeout)
        session = fresh
        return fresh
    }
}
