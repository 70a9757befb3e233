import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ingestion

/// Hostile and broken requests against the live service: every one gets a 4xx with a JSON
/// error, none a 5xx, and the service keeps serving.
@Suite("malformed requests", .serialized)
struct MalformedRequestCorpusTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        var body: [UInt8]
        var contentType: String? = "application/json"
        var headers: HTTPFields = [:]
        var method: HTTPRequest.Method = .post
        var withKey = true
    }

    static func text(_ name: String, _ body: String, contentType: String? = "application/json") -> Case {
        Case(description: name, body: Array(body.utf8), contentType: contentType)
    }

    /// One event with `field` replaced by `value` (raw JSON), or removed when `value` is nil.
    static func event(_ name: String, _ field: String, _ value: String?, type: String = "bet_placed") -> Case {
        var fields: [(String, String)] = [
            ("event_id", "\"\(UUID().uuidString.lowercased())\""), ("player_id", "\"p-1\""), ("type", "\"\(type)\""),
            ("occurred_at", "\"\(RFC3339.format(Date()))\""), ("game_id", "\"g-1\""), ("amount", #"{"minor":100,"currency":"EUR"}"#),
        ]
        if let index = fields.firstIndex(where: { $0.0 == field }) {
            if let value { fields[index].1 = value } else { fields.remove(at: index) }
        } else if let value {
            fields.append((field, value))
        }
        return text(name, "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
    }

    static let corpus: [Case] = {
        let valid = TestEvents.json()
        var cases: [Case] = [
            // Not JSON, or not the body shape
            text("empty body", ""),
            text("lone brace", "{"),
            text("closing brace", "}"),
            text("array", "[]"),
            text("null", "null"),
            text("string", #""event""#),
            text("number", "123"),
            text("events is an object", #"{"events":{}}"#),
            text("events is empty", #"{"events":[]}"#),
            text("trailing garbage", valid + "x"),
            text("two objects", valid + valid),
            text("single quotes", "{'event_id':'x'}"),
            text("unquoted keys", "{event_id:1}"),
            text("trailing comma", #"{"player_id":"p",}"#),
            text("NaN literal", #"{"amount":NaN}"#),
            text("raw control character in a string", "{\"player_id\":\"a\u{01}b\"}"),
            text("deeply nested arrays", #"{"events":[{"properties":"# + String(repeating: "[", count: 10_000) + "}]}"),
            text("nested objects 100 deep", #"{"properties":"# + String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100) + "}"),
            text("501 events", TestEvents.batch(Array(repeating: valid, count: 501))),
            text("more than 1 MiB", #"{"properties":{"pad":""# + String(repeating: "y", count: 1_100_000) + #""}}"#),
            // Invalid UTF-8
            Case(description: "0xFF byte in a string", body: Array(#"{"player_id":""#.utf8) + [0xFF] + Array(#""}"#.utf8)),
            Case(description: "overlong encoding", body: Array(#"{"player_id":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)),
            Case(description: "truncated multi-byte sequence", body: Array(#"{"player_id":""#.utf8) + [0xE2, 0x82]),
            Case(description: "UTF-16 body", body: Array(valid.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })),
            // Envelope problems in a single event (400 invalid_event)
            event("event_id is a number", "event_id", "42"),
            event("event_id is not a UUID", "event_id", #""not-a-uuid""#),
            event("event_id missing", "event_id", nil),
            event("player_id is a number", "player_id", "7"),
            event("player_id empty", "player_id", #""""#),
            event("player_id of 10,000 characters", "player_id", "\"" + String(repeating: "p", count: 10_000) + "\""),
            event("player_id with NUL", "player_id", #""a\u0000b""#),
            event("player_id with a lone surrogate escape", "player_id", #""\ud800""#),
            event("player_id missing", "player_id", nil),
            event("type unknown", "type", #""jackpot""#),
            event("type is a number", "type", "1"),
            event("type missing", "type", nil),
            event("occurred_at not a date", "occurred_at", #""yesterday""#),
            event("occurred_at a number", "occurred_at", "1700000000"),
            event("occurred_at an hour in the future", "occurred_at", "\"\(RFC3339.format(Date().addingTimeInterval(3600)))\""),
            event("occurred_at eight days old", "occurred_at", "\"\(RFC3339.format(Date().addingTimeInterval(-8 * 86_400)))\""),
            event("occurred_at without a zone", "occurred_at", #""2026-11-22T10:00:00""#),
            event("occurred_at missing", "occurred_at", nil),
            event("amount is a string", "amount", #""100 EUR""#),
            event("amount minor negative", "amount", #"{"minor":-1,"currency":"EUR"}"#),
            event("amount minor fractional", "amount", #"{"minor":1.5,"currency":"EUR"}"#),
            event("amount minor beyond 64 bits", "amount", #"{"minor":123456789012345678901234567890,"currency":"EUR"}"#),
            event("currency unknown", "amount", #"{"minor":1,"currency":"ZZZ"}"#),
            event("currency lowercase", "amount", #"{"minor":1,"currency":"eur"}"#),
            event("amount missing on a deposit", "amount", nil, type: "deposit"),
            event("game_id missing on a game round", "game_id", nil, type: "game_round"),
            event("game_id is an object", "game_id", "{}"),
            event("properties is an array", "properties", "[1,2]"),
            event("properties over 8 KiB", "properties", #"{"pad":""# + String(repeating: "z", count: 9000) + #""}"#),
            event("duplicate key", "player_id", #""p-1","player_id":"p-2""#),
        ]
        // Content types and encodings
        cases += [
            Case(description: "no content type", body: Array(valid.utf8), contentType: nil),
            Case(description: "text/plain", body: Array(valid.utf8), contentType: "text/plain"),
            Case(description: "form encoded", body: Array("a=1".utf8), contentType: "application/x-www-form-urlencoded"),
            Case(description: "multipart", body: Array(valid.utf8), contentType: "multipart/form-data; boundary=x"),
            Case(description: "latin-1 charset", body: Array(valid.utf8), contentType: "application/json; charset=iso-8859-1"),
            Case(description: "brotli encoding", body: Array(valid.utf8), headers: [.contentEncoding: "br"]),
            Case(description: "gzip header on a plain body", body: Array(valid.utf8), headers: [.contentEncoding: "gzip"]),
            Case(description: "gzip bomb", body: Gzip.compress([UInt8](repeating: 0x20, count: 32 << 20), level: 9), headers: [.contentEncoding: "gzip"]),
            Case(description: "gzip of garbage JSON", body: Gzip.compress(Array("{{{{".utf8)), headers: [.contentEncoding: "gzip"]),
        ]
        // Credentials and methods
        cases += [
            Case(description: "no credential", body: Array(valid.utf8), withKey: false),
            Case(description: "garbage API key", body: Array(valid.utf8), headers: [IngestionAuthenticator.apiKeyHeader: "'; DROP TABLE write_keys;--"], withKey: false),
            Case(description: "unknown API key", body: Array(valid.utf8), headers: [IngestionAuthenticator.apiKeyHeader: "gmk_" + String(repeating: "A", count: 43)], withKey: false),
            Case(description: "bearer garbage", body: Array(valid.utf8), headers: [.authorization: "Bearer a.b.c"], withKey: false),
            Case(description: "basic credentials", body: Array(valid.utf8), headers: [.authorization: "Basic dXNlcjpwYXNz"], withKey: false),
            Case(description: "GET", body: [], method: .get),
            Case(description: "PUT", body: Array(valid.utf8), method: .put),
            Case(description: "DELETE", body: [], method: .delete),
        ]
        return cases
    }()

    @Test("at least 50 malformed requests each get a 4xx JSON error, and the service still serves")
    func everyMalformedRequestIsA4xx() async throws {
        #expect(Self.corpus.count >= 50)
        try await LiveIngestionFixture.run { fixture, client in
            for request in Self.corpus {
                var headers = request.headers
                if request.withKey { headers[IngestionAuthenticator.apiKeyHeader] = fixture.writeKeyA }
                if let contentType = request.contentType { headers[.contentType] = contentType }
                try await client.execute(uri: "/v1/events", method: request.method, headers: headers, body: ByteBuffer(bytes: request.body)) { response in
                    #expect((400..<500).contains(response.status.code), "\(request): \(response.status)")
                    let json = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect((json?["error"] as? [String: Any])?["code"] is String, "\(request): the error is JSON with a code")
                }
            }
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted, "still serving")
        }
    }
}
