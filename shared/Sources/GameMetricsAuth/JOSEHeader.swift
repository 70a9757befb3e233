/// The JWS protected header (RFC 7515 §4). `crit` is decoded only so that a token demanding
/// extensions we do not implement can be rejected, as §4.1.11 requires. Key-locating headers
/// (`jku`, `jwk`, `x5u`, `x5c`) are deliberately not modelled: keys come from our own JWKS,
/// never from the token being verified.
struct JOSEHeader: Codable, Sendable {
    var alg: String
    var typ: String?
    var kid: String?
    var crit: [String]?

    static let algorithm = "ES256"

    static func es256(kid: String) -> JOSEHeader {
        JOSEHeader(alg: algorithm, typ: "JWT", kid: kid, crit: nil)
    }
}
