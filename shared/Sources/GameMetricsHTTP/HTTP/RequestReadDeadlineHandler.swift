import NIOCore
import NIOHTTPTypes

/// Closes the connection when a request's body has not been read completely within `timeout`
/// of its head: a client trickling a body byte every few seconds would otherwise keep the
/// connection (and its file descriptor) forever, since each byte resets the idle timeout.
///
/// It sits after the HTTP decoder (Hummingbird's `additionalChannelHandlers`), so it only sees
/// HTTP request parts: WebSocket upgrades (hummingbird-websocket adds these handlers only to
/// connections that stay HTTP, and NIO removes the HTTP handlers when it upgrades) never reach
/// it, and an upgraded connection lives on its own ping/pong keep-alive.
public final class RequestReadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    public init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
