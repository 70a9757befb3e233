import GameMetricsAuth
import GameMetricsKit
import Logging

/// A secret read from `<VAR>_FILE`s and read again every `GM_SECRET_RELOAD_SECONDS` (30 by
/// default) while the service runs, so a rotation written by External Secrets takes effect
/// without a restart (ADR 0026). No readiness check: a refused new value keeps the old one.
public struct ReloadingSecretRequirement<Value: Sendable>: ClientRequirement {
    public var name: String
    public var variables: [String]
    public var parse: ReloadingSecret<Value>.Parse

    public init(name: String, variables: [String], parse: @escaping ReloadingSecret<Value>.Parse) {
        self.name = name
        self.variables = variables
        self.parse = parse
    }

    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<ReloadingSecret<Value>> {
        let seconds = try environment.int("GM_SECRET_RELOAD_SECONDS", default: 30, in: 1...86_400)
        let secret = try ReloadingSecret(name: name, variables: variables, environment: environment, parse: parse)
        return RequiredClient(secret, readiness: nil, service: SecretReloader(secret: secret, interval: .seconds(seconds), logger: logger))
    }
}

extension ClientRequirement where Self == ReloadingSecretRequirement<WriteKeyMAC> {
    /// The write-key MAC secret shared by the user service and ingestion, current and previous.
    public static var writeKeyMAC: ReloadingSecretRequirement<WriteKeyMAC> {
        ReloadingSecretRequirement(name: "write-key-mac", variables: ["GM_WRITE_KEY_MAC_SECRET", "GM_WRITE_KEY_MAC_PREVIOUS_SECRET"]) {
            try WriteKeyMAC(environment: $0)
        }
    }
}
