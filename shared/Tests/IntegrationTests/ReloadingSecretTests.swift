import Foundation
import GameMetricsKit
import GameMetricsService
import GameMetricsTesting
import Logging
import Synchronization
import Testing

/// ReloadingSecret against files written the way the kubelet writes a Secret volume.
@Suite("A secret read again from its mounted files")
struct ReloadingSecretTests {
    static let logger = Logger(label: "reloading-secret-tests")

    /// Counts parses, to show unchanged files are not parsed again.
    final class Parses: Sendable {
        let count = Mutex(0)
    }

    static func secret(_ volume: KubeletSecretVolume, parses: Parses) throws -> ReloadingSecret<String> {
        try ReloadingSecret(name: "test", variables: ["GM_TEST_KEY"], environment: EnvironmentReader(["GM_TEST_KEY_FILE": volume.path("gm_test_key")])) {
            parses.count.withLock { $0 += 1 }
            let value = try $0.requiredSecret("GM_TEST_KEY")
            guard value.count >= 8 else { throw ConfigurationError(variable: "GM_TEST_KEY", problem: "must be at least 8 characters") }
            return value
        }
    }

    @Test("takes a new value after the ..data swap, parses nothing while the files are unchanged, and tells its watchers")
    func newValueAfterSwap() async throws {
        let volume = try KubeletSecretVolume(["gm_test_key": "first-value"])
        defer { volume.remove() }
        let parses = Parses()
        let secret = try Self.secret(volume, parses: parses)
        let seen = Mutex<[String]>([])
        secret.onChange { value in seen.withLock { $0.append(value) } }
        #expect(secret.current == "first-value")
        #expect(await secret.reload(logger: Self.logger) == .unchanged)
        #expect(parses.count.withLock { $0 } == 1, "only the start parsed")
        try volume.update(["gm_test_key": "second-value\n"])
        #expect(await secret.reload(logger: Self.logger) == .applied)
        #expect(secret.current == "second-value")
        #expect(seen.withLock { $0 } == ["second-value"])
    }

    @Test("keeps the last good value when new content is refused or the file is gone, and takes good content after")
    func refusedContentKeepsTheValue() async throws {
        let volume = try KubeletSecretVolume(["gm_test_key": "first-value"])
        defer { volume.remove() }
        let secret = try Self.secret(volume, parses: Parses())
        try volume.update(["gm_test_key": "short"])
        #expect(await secret.reload(logger: Self.logger) == .rejected)
        #expect(await secret.reload(logger: Self.logger) == .unchanged, "the same bad content is reported once")
        #expect(secret.current == "first-value")
        try FileManager.default.removeItem(atPath: volume.path("gm_test_key"))
        #expect(await secret.reload(logger: Self.logger) == .rejected)
        #expect(secret.current == "first-value")
        try FileManager.default.createSymbolicLink(atPath: volume.path("gm_test_key"), withDestinationPath: "..data/gm_test_key")
        try volume.update(["gm_test_key": "third-value"])
        #expect(await secret.reload(logger: Self.logger) == .applied)
        #expect(secret.current == "third-value")
    }

    @Test("a reload interval outside 1 s to a day is a configuration error")
    func reloadIntervalIsChecked() throws {
        let requirement = ReloadingSecretRequirement<String>(name: "test", variables: []) { _ in "value" }
        for bad in ["0", "86401", "soon"] {
            #expect(throws: ConfigurationError.self) {
                try requirement.makeClient(environment: EnvironmentReader(["GM_SECRET_RELOAD_SECONDS": bad]), clientID: "t", logger: Self.logger)
            }
        }
        #expect(try requirement.makeClient(environment: EnvironmentReader([:]), clientID: "t", logger: Self.logger).service != nil)
    }
}
