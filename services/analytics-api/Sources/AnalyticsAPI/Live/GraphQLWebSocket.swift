import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsService
import GraphQL
import HTTPTypes
import HummingbirdWebSocket
import Logging
import Metrics
import NIOWebSocket
import Synchronization

/// Subscriptions at `/graphql` over WebSocket, protocol `graphql-transport-ws`:
/// `connection_init` (with the access token) within the init timeout, then `subscribe` messages,
/// each answered by `next` messages until `complete`. Close codes are the protocol's: 4400 a bad
/// message, 4401 subscribe before the ack, 4403 a refused or expired token, 4408 no init in
/// time, 4409 a reused id, 4429 a second init; 1013 a subscriber too slow for its updates or a
/// tenant over its connection limit.
struct GraphQLWebSocket: Sendable {
    static let subprotocol = "graphql-transport-ws"

    let executor: GraphQLExecutor
    let contexts: ContextFactory
    let hub: LiveMetricsHub
    let verifier: any AccessTokenVerifier
    let settings: WebSocketSettings
    let connections: TenantConnections
    let logger: Logger

    /// Upgrades `GET /graphql` when the client offers the protocol; anything else stays HTTP.
    func shouldUpgrade(_ head: HTTPRequest) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let path = head.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 } ?? ""
        let offered = head.headerFields[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard path == "/graphql", offered.contains(Self.subprotocol) else { return .dontUpgrade }
        return .upgrade([.secWebSocketProtocol: Self.subprotocol]) { inbound, outbound, _ in
            try await serve(inbound, outbound)
        }
    }

    private final class Connection: Sendable {
        let state = Mutex(State())
    }

    private struct State {
        var initReceived = false
        var identity: Identity?
        var tenant: String?
        /// Running operations by id; a subscription's feed, nil for a single result.
        var running: [String: LiveFeed?] = [:]
    }

    private func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        Self.connectionsOpen.increment()
        let connection = Connection()
        defer {
            Self.connectionsOpen.decrement()
            let (feeds, tenant) = connection.state.withLock { state in (state.running.values.compactMap { $0 }, state.identity == nil ? nil : state.tenant) }
            for feed in feeds { hub.unsubscribe(feed) }
            if let tenant { connections.release(tenant) }
        }
        func close(_ code: Int, _ reason: String) async {
            try? await outbound.close(.init(codeNumber: code), reason: reason)
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await Task.sleep(for: settings.initTimeout)
                if connection.state.withLock({ $0.identity == nil }) { await close(4408, "Connection initialisation timeout") }
            }
            for try await message in inbound.messages(maxSize: settings.maxMessageBytes) {
                guard case .text(let text) = message else {
                    await close(4400, "graphql-transport-ws messages are text")
                    break
                }
                let parsed: TransportWSMessage
                switch TransportWSMessage.parse(text) {
                case .success(let message): parsed = message
                case .failure(let violation):
                    await close(4400, violation.reason)
                    group.cancelAll()
                    return
                }
                switch parsed {
                case .connectionInit(let token):
                    guard
                        connection.state.withLock({ state in
                            defer { state.initReceived = true }; return !state.initReceived
                        })
                    else {
                        await close(4429, "Too many initialisation requests")
                        break
                    }
                    guard let token, let claims = try? await verifier.verify(token) else {
                        await close(4403, "Forbidden: connection_init needs a valid access token (payload.authorization \"Bearer <token>\")")
                        break
                    }
                    let identity = Identity(
                        tenantID: claims.tenantID, subject: claims.subject, roles: Set(claims.roles.compactMap(Identity.Role.init(rawValue:))),
                        clientID: claims.clientID)
                    guard identity.has(.viewer) else {
                        await close(4403, "Forbidden: live metrics need the viewer role")
                        break
                    }
                    guard connections.acquire(identity.tenantID) else {
                        await close(1013, "too many live connections for this tenant; try again later")
                        break
                    }
                    connection.state.withLock {
                        $0.identity = identity
                        $0.tenant = identity.tenantID
                    }
                    try await outbound.write(.text(TransportWSMessage.connectionAck))
                    let expiresIn = claims.expiresAt.timeIntervalSinceNow
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(Int64(max(0, expiresIn) * 1_000)))
                        Self.expired.increment()
                        await close(4403, "Forbidden: the access token expired; connect again with a new one")
                    }
                case .ping:
                    try await outbound.write(.text(TransportWSMessage.pongMessage))
                case .pong:
                    continue
                case .complete(let id):
                    let feed = connection.state.withLock { state -> LiveFeed? in
                        guard let running = state.running.removeValue(forKey: id) else { return nil }
                        return running
                    }
                    if let feed { hub.unsubscribe(feed) }
                case .subscribe(let id, let request):
                    guard let identity = connection.state.withLock({ $0.identity }) else {
                        await close(4401, "Unauthorized")
                        break
                    }
                    let admitted = connection.state.withLock { state -> Bool? in
                        guard state.running[id] == nil else { return nil }
                        guard state.running.count < settings.maxSubscriptions else { return false }
                        state.running[id] = .some(nil)
                        return true
                    }
                    guard let admitted else {
                        await close(4409, "Subscriber for \(id) already exists")
                        break
                    }
                    guard admitted else {
                        try await outbound.write(
                            .text(TransportWSMessage.error(id: id, [GraphQLError(message: "at most \(settings.maxSubscriptions) operations at once per connection", extensions: ["code": "TOO_MANY_SUBSCRIPTIONS"])])))
                        continue
                    }
                    let operation: GraphQLExecutor.Operation
                    switch executor.prepare(request) {
                    case .success(let prepared): operation = prepared
                    case .failure(let errors):
                        connection.state.withLock { _ = $0.running.removeValue(forKey: id) }
                        try await outbound.write(.text(TransportWSMessage.error(id: id, errors.errors)))
                        continue
                    }
                    let context = contexts.context(for: identity, operation: operation)
                    if operation.definition.operation != .subscription {
                        group.addTask {
                            let result = await executor.execute(operation, context: context, rootValue: AnalyticsResolver())
                            try await outbound.write(.text(TransportWSMessage.next(id: id, payload: Array(try GraphQLJSON.encoder.encode(result)))))
                            if connection.state.withLock({ $0.running.removeValue(forKey: id) != nil }) {
                                try await outbound.write(.text(TransportWSMessage.complete(id: id)))
                            }
                        }
                        continue
                    }
                    let tenant: String
                    do {
                        tenant = try await context.scope.tenant(Self.tenantArgument(of: operation), field: "liveMetrics")
                    } catch let error as AnalyticsError {
                        connection.state.withLock { _ = $0.running.removeValue(forKey: id) }
                        try await outbound.write(.text(TransportWSMessage.error(id: id, [GraphQLExecutor.error(error)])))
                        continue
                    }
                    let feed = hub.subscribe(tenant: tenant)
                    connection.state.withLock { $0.running[id] = feed }
                    let key = operation.sha256 + (operation.operationName ?? "") + Self.canonical(operation.variables)
                    group.addTask {
                        try await deliver(feed, id: id, key: key, operation: operation, context: context, to: outbound, connection: connection)
                        if feed.overflowed {
                            await close(1013, "subscriber too slow: more than \(settings.sendQueue) updates were waiting")
                        }
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Sends each update of `feed` as a `next`, then `complete` unless the client completed it.
    private func deliver(
        _ feed: LiveFeed, id: String, key: String, operation: GraphQLExecutor.Operation, context: AnalyticsContext, to outbound: WebSocketOutboundWriter,
        connection: Connection
    ) async throws {
        for await event in feed.updates {
            let payload = await event.payload(for: key) {
                let result = await executor.execute(operation, context: context, rootValue: event.update)
                return (try? GraphQLJSON.encoder.encode(result)).map { Array($0) } ?? Array(#"{"errors":[{"message":"unencodable"}]}"#.utf8)
            }
            try await outbound.write(.text(TransportWSMessage.next(id: id, payload: payload)))
            Self.sent.increment()
        }
        let stillOurs = connection.state.withLock { state -> Bool in
            guard case .some(.some(let running)) = state.running[id], running === feed else { return false }
            state.running[id] = nil
            return true
        }
        if stillOurs && !feed.overflowed {
            try await outbound.write(.text(TransportWSMessage.complete(id: id)))
        }
    }

    /// Variables as JSON with sorted keys: equal variables give equal text whatever their order.
    static func canonical(_ variables: [String: Map]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(variables)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The `tenant` argument of the subscription's root field, from its literal or its variable.
    static func tenantArgument(of operation: GraphQLExecutor.Operation) -> String? {
        guard let field = operation.rootFields.first, let argument = field.arguments.first(where: { $0.name.value == "tenant" }) else { return nil }
        switch argument.value {
        case let literal as StringValue: return literal.value
        case let variable as Variable: return operation.variables[variable.name.value]?.string
        default: return nil
        }
    }

    static let connectionsOpen = Meter(label: "gm_analytics_websocket_connections")
    static let expired = Counter(label: "gm_analytics_websocket_closed_total", dimensions: [("reason", "token_expired")])
    static let sent = Counter(label: "gm_analytics_live_messages_sent_total")
}
