/// The request bodies the platform reads are JSON: `Content-Type` must be `application/json`
/// or an `application/…+json` type, with parameters allowed but a charset only UTF-8 (the one
/// JSON has). Anything else, or no header, answers 415.
public enum JSONContentType {
    public static func require(_ header: String?) throws {
        guard let header else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send Content-Type: application/json.")
        }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        let mediaType = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "Content-Type must be application/json, not \(mediaType.prefix(60)).")
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if pair.first == "charset", pair.count == 2, pair[1].trimmingCharacters(in: ["\""]) != "utf-8" {
                throw APIError(.unsupportedMediaType, code: "unsupported_charset", message: "JSON must be UTF-8.")
            }
        }
    }
}
