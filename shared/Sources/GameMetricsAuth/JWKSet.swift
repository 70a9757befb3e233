/// A JWK Set (RFC 7517 §5), serialised exactly as `{"keys":[…]}` — the body of
/// `/.well-known/jwks.json`.
///
/// Decoding follows RFC 7517 §5: members of `keys` that are not valid JWKs are ignored rather
/// than failing the set, so one odd key an operator adds cannot take verification down.
public struct JWKSet: Codable, Sendable, Hashable {
    public var keys: [JWK]

    public init(keys: [JWK]) {
        self.keys = keys
    }

    /// The key with `kid`, if any.
    public func key(withID kid: String) -> JWK? {
        keys.first { $0.kid == kid }
    }

    private enum CodingKeys: String, CodingKey {
        case keys
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keys = try container.decode([SkippingInvalid].self, forKey: .keys).compactMap(\.jwk)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keys, forKey: .keys)
    }

    /// Decodes one array element, turning an invalid JWK into `nil` instead of an error.
    private struct SkippingInvalid: Decodable {
        let jwk: JWK?
        init(from decoder: any Decoder) throws {
            jwk = try? JWK(from: decoder)
        }
    }
}
