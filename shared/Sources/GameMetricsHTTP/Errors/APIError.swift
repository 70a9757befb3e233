import Foundation
import GameMetricsKit
import Hummingbird

/// The platform's error answer: `{"error":{"code":"snake_case","message":"...","details":[...]}}`.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let details: [FieldError]
    /// Extra headers, e.g. `Retry-After` on 429 and 503.
    public let headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String,
        details: [FieldError] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let body = try JSONEncoder.api.encode(Body(error: .init(code: code, message: message, details: details)))
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private struct Body: Encodable {
        struct Payload: Encodable {
            let code: String
            let message: String
            let details: [FieldError]
        }
        let error: Payload
    }
}

extension APIError {
    public static func badRequest(_ message: String, code: String = "bad_request", details: [FieldError] = []) -> APIError {
        APIError(.badRequest, code: code, message: message, details: details)
    }

    public static func notFound(_ message: String = "The resource does not exist.") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    public static func unauthorized(_ message: String = "A valid credential is required.") -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message)
    }

    public static func serviceUnavailable(_ message: String, retryAfterSeconds: Int) -> APIError {
        APIError(
            .serviceUnavailable, code: "unavailable", message: message,
            headers: [.retryAfter: String(retryAfterSeconds)])
    }

    /// Maps any status to a stable snake_case code, for errors raised by the HTTP layer itself.
    public init(status: HTTPResponse.Status, message: String? = nil) {
        let code = status.reasonPhrase.lowercased()
            .map { $0.isLetter || $0.isNumber ? $0 : "_" }
            .reduce(into: "") { $0.append($1) }
        self.init(status, code: code.isEmpty ? "error" : code, message: message ?? status.reasonPhrase + ".")
    }
}

extension JSONEncoder {
    /// Sorted keys keep responses stable for clients and tests.
    public static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
