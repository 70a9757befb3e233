/// The registered claims (RFC 7519 §4.1) the verifier checks itself, independent of the claims
/// type the caller decodes. Times are NumericDate: JSON numbers of seconds since the epoch.
struct RegisteredClaims: Decodable, Sendable {
    var exp: Double?
    var nbf: Double?
    var iss: String?
    var aud: Audience?

    /// `aud` is a single string or an array of strings (RFC 7519 §4.1.3).
    struct Audience: Decodable, Sendable {
        var values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                values = [single]
            } else {
                values = try container.decode([String].self)
            }
        }
    }
}
