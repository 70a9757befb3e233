import Foundation
import GameMetricsKit
import Hummingbird

/// Decodes every JSON request body of the platform. Beyond JSONDecoder it refuses U+0000 (only
/// expressible in JSON as the `\u0000` escape), which PostgreSQL text and jsonb cannot store, so
/// no handler can turn it into a database error; and it maps decoding failures to 400s naming
/// the field.
public struct PlatformJSONDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(body.readableBytesView)
        if Self.containsNULEscape(bytes) {
            throw APIError.badRequest(
                "Text must not contain U+0000.", code: "invalid_character",
                details: [FieldError(field: Self.fieldHoldingNUL(bytes), reason: "invalid_character")])
        }
        do {
            return try JSONDecoder.api.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error), code: "bad_request")
        }
    }

    /// True when the body holds a `\u0000` escape (an unescaped backslash followed by u0000).
    static func containsNULEscape(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            // A backslash always starts a two-character escape; only `\u` is followed by hex.
            let next = index + 1
            if next + 4 < bytes.count, bytes[next] == UInt8(ascii: "u"),
                bytes[(next + 1)...(next + 4)].allSatisfy({ $0 == UInt8(ascii: "0") })
            {
                return true
            }
            index += 2
        }
        return false
    }

    /// The dotted path (as in decoding errors: `events.0.name`) of the first value or key that
    /// holds U+0000, so the 400 names the field; "" when the body is not JSON at all.
    static func fieldHoldingNUL(_ bytes: [UInt8]) -> String {
        func search(_ value: Any, _ path: [String]) -> [String]? {
            switch value {
            case let text as String:
                return text.unicodeScalars.contains("\u{0}") ? path : nil
            case let array as [Any]:
                for (index, element) in array.enumerated() {
                    if let found = search(element, path + [String(index)]) { return found }
                }
                return nil
            case let object as [String: Any]:
                for (key, element) in object.sorted(by: { $0.key < $1.key }) {
                    if key.unicodeScalars.contains("\u{0}") { return path + [key] }
                    if let found = search(element, path + [key]) { return found }
                }
                return nil
            default:
                return nil
            }
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return "" }
        return search(json, [])?.joined(separator: ".") ?? ""
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue) is required."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context).isEmpty ? "The body" : path(context)) has the wrong type."
        case .dataCorrupted(let context):
            return path(context).isEmpty ? "The body is not valid JSON." : "\(path(context)) is not valid."
        @unknown default:
            return "The body could not be decoded."
        }
    }
}
