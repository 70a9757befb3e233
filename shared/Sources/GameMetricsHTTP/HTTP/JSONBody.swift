import Foundation
import GameMetricsKit
import Hummingbird
import NIOCore

/// Reads a JSON request body of at most `limit` bytes: 415 for another media type, 413 JSON for
/// a larger body, 400 naming the field for one that does not decode.
public enum JSONBody {
    public static let limit = 16_384

    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext, limit: Int = limit) async throws -> T {
        try JSONContentType.require(request.headers[.contentType])
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "The body is larger than \(limit) bytes.")
        }
        let buffered = Request(head: request.head, body: .init(buffer: body))
        return try await PlatformJSONDecoder().decode(T.self, from: buffered, context: context)
    }
}
