import Logging
import Synchronization

/// Sends commands to the master that serves their key's slot, following the cluster's redirects.
///
/// - The slot map comes from `CLUSTER SLOTS` of any reachable node (the seeds at first) and is
///   loaded before the first command. One refresh runs at a time; callers that need one while it
///   runs wait for it instead of asking again.
/// - `MOVED`: the slot is patched in the map, the command goes to the named node, and the whole
///   map is reloaded (a resharding moves many slots at once). `ASK`: `ASKING` plus the command go
///   to the named node on one connection, the map is left alone. At most
///   `maximumRedirects` redirects per command; then the last redirect is the command's error.
/// - `TRYAGAIN` (a multi-key command while its slot is split by a migration) is retried with a
///   short backoff, within the same bound.
/// - Failover: a command that could not be sent (`connectionFailed`) or was refused with
///   `CLUSTERDOWN` did not run, so it is retried after reloading the map, with backoff, until
///   `failoverWait` has passed since its first such failure; by then a replica of a dead master
///   has usually been promoted. A command whose connection broke while it was in flight
///   (`connectionLost`, `timeout`) may have run: it is not retried, but the map is reloaded so the
///   next command finds the new master.
final class ClusterRouter: Sendable {
    private struct State {
        var map: ClusterSlotMap?
        /// Bumped by every reload, so a caller can tell whether the map changed since it looked.
        var epoch = 0
        /// Non-nil while a reload runs: the callers waiting for it.
        var refreshWaiters: [CheckedContinuation<Void, Never>]?
        var pools: [RedisEndpoint: ConnectionPool] = [:]
        var isClosed = false
    }

    private let seeds: [RedisEndpoint]
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    init(seeds: [RedisEndpoint], configuration: RedisConfiguration, logger: Logger) {
        precondition(!seeds.isEmpty, "a cluster client needs at least one seed node")
        self.seeds = seeds
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Commands

    /// Runs one command where the cluster says it belongs; returns its reply (an error reply other
    /// than a followed redirect is returned, not thrown).
    func send(_ arguments: [[UInt8]]) async throws -> RedisValue {
        try await run(route: RedisCommandRoute(arguments)) { connection, asking in
            if asking {
                return try await connection.sendPipeline([[Array("ASKING".utf8)], arguments]).last ?? .null
            }
            return try await connection.send(arguments)
        }
    }

    /// A pipeline, split by node: each node gets its commands in one write, in their original
    /// order; the replies are put back in the caller's order. A command answered with a redirect
    /// is sent again on its own, following it. A pipeline containing `MULTI` is a transaction and
    /// goes whole to the node of its first key (its keys must share a slot); redirects inside it
    /// come back as error replies, since resending a part would break the transaction.
    func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisValue] {
        let routes = commands.map(RedisCommandRoute.init)
        if commands.contains(where: { String(decoding: $0[0], as: UTF8.self).uppercased() == "MULTI" }) {
            let route = routes.first { $0 != .anyNode } ?? .anyNode
            return try await run(route: route, redirects: false) { connection, _ in
                try await connection.sendPipeline(commands)
            }
        }
        var groups: [RedisEndpoint: [Int]] = [:]
        for (index, route) in routes.enumerated() {
            groups[try await endpoint(for: route), default: []].append(index)
        }
        var replies = [RedisValue](repeating: .null, count: commands.count)
        for (endpoint, indexes) in groups {
            let groupReplies = try await pool(for: endpoint).withConnection { connection in
                try await connection.sendPipeline(indexes.map { commands[$0] })
            }
            for (index, reply) in zip(indexes, groupReplies) {
                if case .error(let message) = reply, Self.isRetryable(message, askedHost: endpoint.host) {
                    replies[index] = try await send(commands[index])
                } else {
                    replies[index] = reply
                }
            }
        }
        return replies
    }

    /// The nodes a subscription may listen on, in order of preference: pub/sub messages reach
    /// every node of a cluster, so any will do.
    func subscriptionEndpoints() -> [RedisEndpoint] {
        let known = state.withLock { state in (state.map?.masters ?? []) + (state.map?.replicas ?? []) }
        var unique: [RedisEndpoint] = []
        for endpoint in known + seeds where !unique.contains(endpoint) { unique.append(endpoint) }
        return unique
    }

    func close() async {
        let pools = state.withLock { state in
            state.isClosed = true
            return Array(state.pools.values)
        }
        for pool in pools { await pool.close() }
    }

    // MARK: Routing

    private func run<Value: Sendable>(
        route: RedisCommandRoute,
        redirects followRedirects: Bool = true,
        _ body: (RedisConnection, _ asking: Bool) async throws -> Value
    ) async throws -> Value {
        var target: RedisEndpoint? = nil  // set by a redirect; otherwise the map decides
        var asking = false
        var redirects = 0
        var failingSince: ContinuousClock.Instant?
        var backoff: Duration = .milliseconds(25)
        while true {
            let epoch = state.withLock { $0.epoch }
            let endpoint: RedisEndpoint
            if let target {
                endpoint = target
            } else {
                do {
                    endpoint = try await self.endpoint(for: route)
                } catch {
                    // No node answered CLUSTER SLOTS, or no master serves the slot: a failover or
                    // a restart may be in progress.
                    await refresh(after: state.withLock { $0.epoch })
                    try await waitOrThrow(error, since: &failingSince, backoff: &backoff)
                    continue
                }
            }
            let reply: Value
            do {
                reply = try await pool(for: endpoint).withConnection { connection in
                    try await body(connection, asking)
                }
            } catch let error as RedisError {
                switch error {
                case .connectionFailed:
                    logger.debug("redis cluster node unreachable; reloading the slot map", metadata: ["endpoint": "\(endpoint)"])
                    await refresh(after: epoch, avoiding: endpoint)
                    target = nil
                    asking = false
                    try await waitOrThrow(error, since: &failingSince, backoff: &backoff)
                    continue
                case .connectionLost, .timeout:
                    await refresh(after: epoch, avoiding: endpoint)
                    throw error
                default:
                    throw error
                }
            }
            guard followRedirects, let value = reply as? RedisValue, case .error(let message) = value else { return reply }
            if let redirect = ClusterRedirect(errorReply: message, askedHost: endpoint.host) {
                redirects += 1
                guard redirects <= configuration.maximumRedirects else { return reply }
                switch redirect {
                case .moved(let slot, let destination):
                    state.withLock { $0.map?.assign(slot, to: destination) }
                    target = destination
                    asking = false
                    await refresh(after: epoch)
                case .ask(_, let destination):
                    target = destination
                    asking = true
                }
                continue
            }
            if message.hasPrefix("TRYAGAIN") {
                redirects += 1
                guard redirects <= configuration.maximumRedirects else { return reply }
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, Self.maximumBackoff)
                continue
            }
            if message.hasPrefix("CLUSTERDOWN") {
                // The cluster refuses all commands until a failed master's slots are served again.
                await refresh(after: epoch)
                target = nil
                asking = false
                try await waitOrThrow(RedisError.serverError(message), since: &failingSince, backoff: &backoff)
                continue
            }
            return reply
        }
    }

    private static let maximumBackoff: Duration = .milliseconds(400)

    /// Sleeps before the next attempt, or throws `error` once `failoverWait` has passed since the
    /// first failure of this command.
    private func waitOrThrow(_ error: RedisError, since start: inout ContinuousClock.Instant?, backoff: inout Duration) async throws {
        let now = ContinuousClock.now
        let since = start ?? now
        start = since
        guard now - since < configuration.failoverWait else { throw error }
        try await Task.sleep(for: min(backoff, configuration.failoverWait - (now - since)))
        backoff = min(backoff * 2, Self.maximumBackoff)
    }

    private static func isRetryable(_ message: String, askedHost: String) -> Bool {
        ClusterRedirect(errorReply: message, askedHost: askedHost) != nil || message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN")
    }

    /// The master for `route`, loading the map first when there is none yet.
    private func endpoint(for route: RedisCommandRoute) async throws(RedisError) -> RedisEndpoint {
        enum Lookup { case found(RedisEndpoint), unserved(Int), noMap(epoch: Int) }
        for attempt in 0..<2 {
            // Looked up under the lock: copying the map out would retain its arrays per command.
            let lookup: Lookup = state.withLock { state in
                guard let map = state.map else { return .noMap(epoch: state.epoch) }
                switch route {
                case .anyNode:
                    return map.masters.first.map(Lookup.found) ?? .noMap(epoch: state.epoch)
                case .slot(let slot):
                    return map.master(of: slot).map(Lookup.found) ?? .unserved(slot)
                }
            }
            switch lookup {
            case .found(let endpoint):
                return endpoint
            case .unserved(let slot):
                throw .connectionFailed("no master serves slot \(slot) in the cluster's slot map")
            case .noMap(let epoch):
                if attempt == 0 { await refresh(after: epoch) }
            }
        }
        throw .connectionFailed("no cluster node answered CLUSTER SLOTS (seeds: \(seeds.map(\.description).joined(separator: ", ")))")
    }

    // MARK: Slot map

    /// Reloads the slot map unless it changed since the caller read `epoch` (someone else reloaded
    /// it meanwhile). Concurrent callers share one reload.
    private func refresh(after epoch: Int, avoiding suspect: RedisEndpoint? = nil) async {
        enum Role { case reload, wait, skip }
        let role: Role = state.withLock { state in
            if state.epoch != epoch || state.isClosed { return .skip }
            return state.refreshWaiters == nil ? .reload : .wait
        }
        switch role {
        case .skip:
            return
        case .wait:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { state -> Bool in
                    guard state.refreshWaiters != nil else { return false }
                    state.refreshWaiters!.append(continuation)
                    return true
                }
                if !waiting { continuation.resume() }
            }
            return
        case .reload:
            let claimed = state.withLock { state -> Bool in
                guard state.refreshWaiters == nil, state.epoch == epoch else { return false }
                state.refreshWaiters = []
                return true
            }
            guard claimed else { return }
        }
        let map = await loadSlotMap(avoiding: suspect)
        let waiters = state.withLock { state in
            if let map { state.map = map }
            state.epoch += 1
            defer { state.refreshWaiters = nil }
            return state.refreshWaiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Asks the known masters, then the replicas, then the seeds, until one answers; a node that
    /// just failed is asked last, so a dead host's connect timeout is paid only if all else fails.
    private func loadSlotMap(avoiding suspect: RedisEndpoint?) async -> ClusterSlotMap? {
        var candidates = subscriptionEndpoints()
        if let suspect, let index = candidates.firstIndex(of: suspect) {
            candidates.append(candidates.remove(at: index))
        }
        for endpoint in candidates {
            do {
                let reply = try await pool(for: endpoint).withConnection { connection in
                    try await connection.send([Array("CLUSTER".utf8), Array("SLOTS".utf8)])
                }
                let map = try ClusterSlotMap(clusterSlots: reply, askedHost: endpoint.host)
                logger.debug("redis cluster slot map loaded", metadata: ["from": "\(endpoint)", "masters": "\(map.masters)"])
                return map
            } catch {
                logger.debug("redis cluster node did not give its slot map", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            }
        }
        logger.warning("no redis cluster node gave its slot map", metadata: ["seeds": "\(seeds)"])
        return nil
    }

    private func pool(for endpoint: RedisEndpoint) throws(RedisError) -> ConnectionPool {
        let pool: ConnectionPool? = state.withLock { state in
            if state.isClosed { return nil }
            if let pool = state.pools[endpoint] { return pool }
            let pool = ConnectionPool(endpoint: endpoint, configuration: configuration, logger: logger)
            state.pools[endpoint] = pool
            return pool
        }
        guard let pool else { throw .poolClosed }
        return pool
    }
}
