import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `POST /v1/signing-keys/rotate`: platform admins start a new signing key; tokens signed by the
/// previous one stay valid until they expire.
struct SigningKeyController {
    let keys: SigningKeyStore

    struct Rotated: ResponseEncodable {
        let kid: String
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/signing-keys/rotate") { _, context -> Rotated in
            _ = try context.requireIdentity(.platformAdmin)
            return Rotated(kid: try await keys.rotate())
        }
    }
}
