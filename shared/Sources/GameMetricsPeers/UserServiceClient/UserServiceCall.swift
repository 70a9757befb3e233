import CurlHTTP
import Foundation
import GameMetricsKit
import HTTPTypes

/// One call to the user service whose answer is JSON: the way the JWKS verifier, the
/// service-token provider and ingestion's credential directory all talk to it.
public enum UserServiceCall {
    /// Sends `request` and decodes a 200 answer as `Answer`.
    /// - Parameter absentOn: statuses that mean "no such thing" (e.g. 404): nil instead of an error.
    /// - Throws: `UserServiceCallError` for any other status or an undecodable body;
    ///   `HTTPClientError` when no answer came.
    public static func json<Answer: Decodable>(
        _ type: Answer.Type, http: HTTPClient, request: HTTPRequest, body: [UInt8]? = nil,
        timeout: Duration = .seconds(5), absentOn: Set<HTTPResponse.Status>
    ) async throws -> Answer? {
        let (response, answer) = try await http.execute(request, body: body, timeout: timeout)
        let url = request.url?.absoluteString ?? request.path ?? ""
        if absentOn.contains(response.status) { return nil }
        guard response.status == .ok else {
            throw UserServiceCallError.unexpectedStatus(response.status, url: url, body: String(decoding: answer, as: UTF8.self))
        }
        guard let decoded = try? JSONDecoder.api.decode(Answer.self, from: Data(answer)) else {
            throw UserServiceCallError.undecodable(url: url)
        }
        return decoded
    }

    /// `json(_:http:request:...)` for calls where every status but 200 is an error.
    public static func json<Answer: Decodable>(
        _ type: Answer.Type, http: HTTPClient, request: HTTPRequest, body: [UInt8]? = nil, timeout: Duration = .seconds(5)
    ) async throws -> Answer {
        // Without `absentOn` the optional is never nil.
        try await json(type, http: http, request: request, body: body, timeout: timeout, absentOn: [])!
    }
}
