import GameMetricsHTTP
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /live`: the operator's tenant's live metrics as Server-Sent Events, relayed from
/// analytics-api (``LiveRelay``), with a comment every 15 s so idle connections stay open. A
/// browser that reads too slowly is dropped (its events are not buffered without bound) and
/// reconnects; so are all at shutdown.
struct LiveController: Sendable {
    let access: ConsoleAccess
    let relay: LiveRelay
    static let heartbeat: Duration = .seconds(15)
    /// Events waiting for a slow browser before it is dropped.
    static let bufferedEvents = 256

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("live", use: live)
    }

    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let signedIn = try? await access.session(request) else {
            return ConsolePages.signedOutJSON
        }
        let caller = OperatorCall(signedIn, context)
        var headers = PageRenderer.securityHeaders
        headers[.contentType] = "text/event-stream"
        let relay = self.relay
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                ConsoleMetrics.liveStreams.increment()
                defer { ConsoleMetrics.liveStreams.decrement() }
                let (events, sink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(Self.bufferedEvents))
                let emit: @Sendable (String) -> Bool = { event in
                    guard case .enqueued = sink.yield(event) else {
                        sink.finish()
                        return false
                    }
                    return true
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { sink.finish() }
                        try? await relay.relay(for: caller, emit: emit)
                    }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: Self.heartbeat)
                            guard emit(": keep-alive\n\n") else { return }
                        }
                    }
                    // Ends at graceful shutdown too: the browser reconnects to another instance.
                    for await event in events.cancelOnGracefulShutdown() {
                        try await writer.write(ByteBuffer(string: event))
                    }
                    group.cancelAll()
                }
                try await writer.finish(nil)
            })
    }
}
