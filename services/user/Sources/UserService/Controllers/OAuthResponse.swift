import Foundation
import GameMetricsKit
import Hummingbird

/// Responses and request parsing shared by the authorization server's endpoints: errors in
/// RFC 6749's shape (`{"error":"invalid_grant","error_description":"..."}`), never cached.
enum OAuthResponse {
    static func error(
        _ status: HTTPResponse.Status, _ code: String, _ description: String, headers extra: HTTPFields = [:]
    ) -> Response {
        var response = json(status, ["error": .string(code), "error_description": .string(description)] as [String: JSONValue])
        for field in extra { response.headers[field.name] = field.value }
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let body = (try? JSONEncoder.api.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The form body's fields, or nil when the body is not `application/x-www-form-urlencoded`.
    /// A body over 16 KiB is refused by `collect` (413).
    static func form(_ request: Request) async throws -> [String: String]? {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return nil
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        return formFields(String(buffer: body))
    }

    /// `Authorization: Basic base64(client_id:client_secret)`.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic ",
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        let id = String(text[..<colon]).removingPercentEncoding ?? ""
        let secret = String(text[text.index(after: colon)...]).removingPercentEncoding ?? ""
        return id.isEmpty || secret.isEmpty ? nil : (id, secret)
    }

    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// A public client id as registered: 1–100 of `[A-Za-z0-9._-]`. Checked before any lookup so
    /// odd bytes (NUL, which PostgreSQL text refuses) never reach the database.
    static func isClientID(_ text: String) -> Bool {
        text.range(of: "^[A-Za-z0-9._-]{1,100}$", options: .regularExpression) != nil
    }

    /// No control characters (NUL included): safe to store and to compare in PostgreSQL.
    static func isPrintable(_ text: String) -> Bool {
        !InputRules.containsControlCharacter(text)
    }

    /// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
    static func queryEscaped(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
