import CurlHTTP
import Foundation
import HTTPTypes

/// Every call the console makes to another service with an operator's token: JSON in and out,
/// counted by service and outcome (`gm_admin_upstream_requests_total`), errors as ``UpstreamError``.
struct UpstreamCalls: Sendable {
    let http: HTTPClient
    static let timeout: Duration = .seconds(10)

    /// Sends `method` to `url` with the bearer `token` and an optional JSON body; the answer's
    /// status and body, after counting it. Throws ``UpstreamError`` for no answer, 401 and 5xx.
    func send(
        _ method: HTTPRequest.Method, _ url: URL, service: String, token: String, json body: [UInt8]? = nil, trace: String? = nil
    ) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPRequest(method: method, url: url)
        request.headerFields[.authorization] = "Bearer \(token)"
        request.headerFields[.accept] = "application/json"
        if body != nil { request.headerFields[.contentType] = "application/json" }
        if let trace, let name = HTTPField.Name("traceparent") { request.headerFields[name] = trace }
        let answer: (response: HTTPResponse, body: [UInt8])
        do {
            answer = try await http.execute(request, body: body, timeout: Self.timeout)
        } catch let error as HTTPClientError {
            Self.count(service, "failed")
            throw UpstreamError(service: service, kind: .unavailable, message: "\(service) did not answer (\(error))")
        }
        let status = answer.response.status.code
        switch status {
        case 200..<400:
            Self.count(service, "ok")
        case 401:
            Self.count(service, "client_error")
            throw UpstreamError(service: service, kind: .unauthorized, message: "\(service) did not accept the session's token")
        case 400..<500:
            Self.count(service, "client_error")
        default:
            Self.count(service, "failed")
            throw UpstreamError(service: service, kind: .unavailable, message: "\(service) answered \(status)")
        }
        return (status, answer.body)
    }

    private static func count(_ service: String, _ outcome: String) {
        ConsoleMetrics.upstream(service, outcome).increment()
    }
}
