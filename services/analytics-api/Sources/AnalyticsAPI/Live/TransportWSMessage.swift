import Foundation
import GameMetricsKit
import GraphQL

/// The client messages of the graphql-transport-ws protocol this server reads.
enum TransportWSMessage {
    case connectionInit(token: String?)
    case ping
    case pong
    case subscribe(id: String, request: GraphQLRequestBody)
    case complete(id: String)

    private struct Envelope: Decodable {
        var type: String
        var id: String?
    }

    private struct InitMessage: Decodable {
        struct Payload: Decodable {
            var authorization: String?
            var Authorization: String?
            var token: String?
        }
        var payload: Payload?
    }

    private struct SubscribeMessage: Decodable {
        var payload: GraphQLRequestBody
    }

    /// The message in `text`, or why it is not one (the connection is then closed with 4400).
    static func parse(_ text: String) -> Result<TransportWSMessage, ProtocolViolation> {
        let data = Data(text.utf8)
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data) else {
            return .failure(ProtocolViolation("the message is not a JSON object with a `type`"))
        }
        switch envelope.type {
        case "connection_init":
            guard let message = try? JSONDecoder().decode(InitMessage.self, from: data) else {
                return .failure(ProtocolViolation("connection_init's payload must be an object"))
            }
            let header = message.payload?.authorization ?? message.payload?.Authorization
            let token = message.payload?.token ?? header.flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
            return .success(.connectionInit(token: token))
        case "ping": return .success(.ping)
        case "pong": return .success(.pong)
        case "subscribe":
            guard let id = envelope.id, !id.isEmpty, id.utf8.count <= 128 else {
                return .failure(ProtocolViolation("subscribe needs an `id` of 1 to 128 bytes"))
            }
            guard let message = try? JSONDecoder().decode(SubscribeMessage.self, from: data) else {
                return .failure(ProtocolViolation("subscribe's payload must be a GraphQL request (query, variables, operationName)"))
            }
            return .success(.subscribe(id: id, request: message.payload))
        case "complete":
            guard let id = envelope.id else { return .failure(ProtocolViolation("complete needs an `id`")) }
            return .success(.complete(id: id))
        default:
            return .failure(ProtocolViolation("unknown message type \(TimeWindow.quoted(envelope.type))"))
        }
    }

    struct ProtocolViolation: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `{"type":"next","id":..,"payload":..}` around an encoded result.
    static func next(id: String, payload: [UInt8]) -> String {
        var message = JSONObjectWriter(capacity: payload.count + id.utf8.count + 32)
        message.string("type", "next")
        message.string("id", id)
        message.json("payload", payload)
        return String(decoding: message.finish(), as: UTF8.self)
    }

    static func complete(id: String) -> String {
        var message = JSONObjectWriter()
        message.string("type", "complete")
        message.string("id", id)
        return String(decoding: message.finish(), as: UTF8.self)
    }

    static func error(id: String, _ errors: [GraphQLError]) -> String {
        let payload = (try? GraphQLJSON.encoder.encode(errors)).map { Array($0) } ?? Array("[]".utf8)
        var message = JSONObjectWriter(capacity: payload.count + 64)
        message.string("type", "error")
        message.string("id", id)
        message.json("payload", payload)
        return String(decoding: message.finish(), as: UTF8.self)
    }

    static let connectionAck = #"{"type":"connection_ack"}"#
    static let pongMessage = #"{"type":"pong"}"#
}
