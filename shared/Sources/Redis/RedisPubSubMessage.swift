/// One message delivered to a subscription.
public struct RedisPubSubMessage: Sendable, Hashable {
    public var channel: String
    /// The message body as published; binary-safe.
    public var payload: [UInt8]

    public init(channel: String, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    /// The payload decoded as UTF-8 (invalid sequences are replaced), for text and JSON messages.
    public var text: String { String(decoding: payload, as: UTF8.self) }
}
