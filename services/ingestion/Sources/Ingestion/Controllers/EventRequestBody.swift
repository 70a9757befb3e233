import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// Reads a `POST /v1/events` body: JSON only, plain or gzip, never more than `limit` bytes
/// (compressed or not), so a compression bomb costs at most `limit` bytes of memory.
enum EventRequestBody {
    static func read(_ request: Request, limit: Int) async throws -> ByteBuffer {
        try JSONContentType.require(request.headers[.contentType])
        let encoding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() ?? "identity"
        guard encoding == "identity" || encoding == "gzip" else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_content_encoding",
                message: "Content-Encoding must be gzip or absent, not \(encoding.prefix(40)).")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        }
        guard encoding == "gzip" else { return body }
        do {
            return ByteBuffer(bytes: try Gzip.decompress(body.readableBytesView, limit: limit))
        } catch .tooLarge {
            throw tooLarge(limit)
        } catch {
            throw APIError.badRequest("The body is not a valid gzip stream.", code: "invalid_gzip")
        }
    }

    private static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "The request body is larger than \(limit) bytes.")
    }
}
