import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The check that a service's OpenAPI document states what its server does: schemathesis
/// (installed into .venv by `tools/platform/install-deps.sh`, found through
/// `GM_TEST_SCHEMATHESIS`) generates requests from the document the running service serves at
/// `/openapi.json` and checks every answer against it — no 5xx, every status, header and body
/// declared, requests the document allows accepted and requests it forbids refused, 405 with
/// `Allow` for undeclared methods. Its stateful phase chains calls (creates, revokes, rotates),
/// so it runs only against a throwaway instance.
///
/// The run is bounded and repeatable: a fixed seed, a fixed number of examples per operation,
/// no example database carried between runs. The few deliberate exceptions, each with its reason,
/// are in `tools/platform/schemathesis.toml` (`GM_TEST_SCHEMATHESIS_CONFIG`), and
/// `tools/platform/schemathesis_hooks.py` keeps generated event timestamps inside ingestion's
/// clock-relative window.
public enum APIContract {
    /// Examples per operation and phase: enough to reach every declared constraint, few enough
    /// that the whole platform's run stays within a few minutes.
    public static let examplesPerOperation = 25
    public static let seed = 20_261_206

    /// Runs schemathesis against the service listening at `baseURL` (e.g. `http://127.0.0.1:PORT`),
    /// sending `headers` (credentials) with every request; records an issue with schemathesis's
    /// report when it finds any failure.
    /// `excludedChecks`: schemathesis checks that cannot apply to this service (say why where it is passed).
    public static func expectServerMatchesDocument(
        baseURL: String, headers: [String: String] = [:], excludedChecks: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let schemathesis = try TestServers.value("GM_TEST_SCHEMATHESIS")
        let configuration = try TestServers.value("GM_TEST_SCHEMATHESIS_CONFIG")
        // Its hooks (schemathesis_hooks.py) live beside the settings.
        let hooks = URL(fileURLWithPath: configuration).deletingLastPathComponent().appendingPathComponent("schemathesis_hooks.py").path
        var arguments = [
            "--config-file", configuration,
            "run", "\(baseURL)/openapi.json", "--url", baseURL,
            "--max-examples", String(examplesPerOperation), "--seed", String(seed),
            "--generation-database", "none", "--no-shrink",
            "--workers", "1", "--request-timeout", "10",
            "--no-color", "--output-truncate", "false",
        ]
        if !excludedChecks.isEmpty { arguments += ["--exclude-checks", excludedChecks.joined(separator: ",")] }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            arguments += ["--header", "\(name): \(value)"]
        }
        let (status, output) = try await ChildProcess.run(schemathesis, arguments, environment: ["SCHEMATHESIS_HOOKS": hooks])
        #expect(status == 0, "schemathesis found failures against \(baseURL)/openapi.json:\n\(output)", sourceLocation: sourceLocation)
    }

    /// The same, for an application that needs no set-up: runs it live on a free port first.
    public static func expectServerMatchesDocument(
        _ application: some ApplicationProtocol, excludedChecks: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await application.test(.live) { client in
            try await expectServerMatchesDocument(
                baseURL: "http://127.0.0.1:\(client.port!)", excludedChecks: excludedChecks, sourceLocation: sourceLocation)
        }
    }
}
