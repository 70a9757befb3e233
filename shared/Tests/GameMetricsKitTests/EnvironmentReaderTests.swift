import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Testing

@Suite("Configuration from GM_* variables")
struct EnvironmentReaderTests {
    @Test("a missing required variable is named in the error")
    func missingRequiredVariableIsNamed() {
        #expect(throws: ConfigurationError(variable: "GM_PG_URL", problem: "is required but not set")) {
            try EnvironmentReader([:]).required("GM_PG_URL")
        }
    }

    @Test("a blank value counts as unset")
    func blankValueIsUnset() {
        #expect(EnvironmentReader(["GM_X": "   "]).optional("GM_X") == nil)
    }

    @Test("an integer that is not a number or out of range says why")
    func integerErrorsSayWhy() throws {
        #expect(throws: ConfigurationError(variable: "GM_HTTP_PORT", problem: "must be an integer, got 'eighty'")) {
            try EnvironmentReader(["GM_HTTP_PORT": "eighty"]).int("GM_HTTP_PORT", default: 1, in: 0...65535)
        }
        #expect(throws: ConfigurationError(variable: "GM_HTTP_PORT", problem: "must be within 0...65535, got 70000")) {
            try EnvironmentReader(["GM_HTTP_PORT": "70000"]).int("GM_HTTP_PORT", default: 1, in: 0...65535)
        }
        #expect(try EnvironmentReader([:]).int("GM_HTTP_PORT", default: 4242) == 4242)
    }

    @Test("a URL with the wrong scheme or no host is refused")
    func urlsAreChecked() throws {
        #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["GM_PG_URL": "mysql://h/db"]).url("GM_PG_URL", schemes: ["postgres"])
        }
        #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["GM_PG_URL": "not a url"]).url("GM_PG_URL", schemes: ["postgres"])
        }
        let url = try EnvironmentReader(["GM_PG_URL": "postgres://u:p@h:5433/db"]).url("GM_PG_URL", schemes: ["postgres"])
        #expect(url?.port == 5433)
    }

    @Test("booleans accept the usual spellings and refuse others")
    func booleans() throws {
        #expect(try EnvironmentReader(["GM_B": "yes"]).bool("GM_B", default: false))
        #expect(try !EnvironmentReader(["GM_B": "0"]).bool("GM_B", default: true))
        #expect(throws: ConfigurationError.self) { try EnvironmentReader(["GM_B": "maybe"]).bool("GM_B", default: true) }
    }

    @Test("the service configuration reads host, ports, log level, grace period and HTTP timeouts")
    func serviceConfiguration() throws {
        let configuration = try ServiceConfiguration(
            service: .ingestion,
            environment: EnvironmentReader([
                "GM_HTTP_HOST": "0.0.0.0", "GM_LOG_LEVEL": "DEBUG", "GM_SHUTDOWN_GRACE_MS": "5000", "GM_HTTP_IDLE_TIMEOUT_MS": "7000",
            ]))
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.name == "ingestion")
        #expect(configuration.port == PlatformService.ingestion.port)
        #expect(configuration.internalPort == PlatformService.ingestion.internalPort)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.shutdownGracePeriod == .seconds(5))
        #expect(configuration.httpLimits == HTTPServerLimits(idleTimeout: .seconds(7), requestReadTimeout: .seconds(30)))
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(name: "x", defaultPort: 1, defaultInternalPort: 2, environment: EnvironmentReader(["GM_LOG_LEVEL": "loud"]))
        }
        // Operator endpoints never share the public port; a limit of 0 would mean none.
        #expect(throws: ConfigurationError(variable: "GM_INTERNAL_HTTP_PORT", problem: "must differ from GM_HTTP_PORT (4242): operator endpoints are not served publicly")) {
            try ServiceConfiguration(name: "x", defaultPort: 4242, defaultInternalPort: 4243, environment: EnvironmentReader(["GM_INTERNAL_HTTP_PORT": "4242"]))
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(name: "x", defaultPort: 4242, defaultInternalPort: 4243, environment: EnvironmentReader(["GM_HTTP_REQUEST_READ_TIMEOUT_MS": "0"]))
        }
        // Tests run services on any free port: the internal one follows.
        #expect(try ServiceConfiguration(name: "x", defaultPort: 4242, defaultInternalPort: 4243, environment: EnvironmentReader(["GM_HTTP_PORT": "0"])).internalPort == 0)
    }

    @Test("a secret comes inline or from the file NAME_FILE names, trimmed; both at once or an unreadable file is an error")
    func secretsInlineOrFromAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-secret-\(UUID().uuidString)").path
        try Data("  from-file\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try EnvironmentReader([:]).secret("GM_KEY") == nil)
        #expect(try EnvironmentReader(["GM_KEY": "inline"]).secret("GM_KEY") == "inline")
        #expect(try EnvironmentReader(["GM_KEY_FILE": path]).secret("GM_KEY") == "from-file")
        #expect(throws: ConfigurationError.self) { try EnvironmentReader(["GM_KEY": "a", "GM_KEY_FILE": path]).secret("GM_KEY") }
        #expect(throws: ConfigurationError.self) { try EnvironmentReader(["GM_KEY_FILE": path + ".missing"]).secret("GM_KEY") }
    }

    @Test("a blank secret file counts as unset, like a blank variable (a previous key when no rotation runs)")
    func blankSecretFileIsUnset() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-blank-\(UUID().uuidString)").path
        try Data(" \n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try EnvironmentReader(["GM_KEY_FILE": path]).secret("GM_KEY") == nil)
        #expect(throws: ConfigurationError(variable: "GM_KEY", problem: "is required but not set (nor GM_KEY_FILE)")) {
            try EnvironmentReader(["GM_KEY_FILE": path]).requiredSecret("GM_KEY")
        }
    }
}

@Suite("A required secret")
struct RequiredSecretTests {
    @Test("comes inline or from NAME_FILE, and its absence names both variables")
    func inlineOrFileOrNamedError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-required-\(UUID().uuidString)").path
        try Data("from-file\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try EnvironmentReader(["GM_KEY": "inline"]).requiredSecret("GM_KEY") == "inline")
        #expect(try EnvironmentReader(["GM_KEY_FILE": path]).requiredSecret("GM_KEY") == "from-file")
        #expect(throws: ConfigurationError(variable: "GM_KEY", problem: "is required but not set (nor GM_KEY_FILE)")) {
            try EnvironmentReader([:]).requiredSecret("GM_KEY")
        }
    }
}

@Suite("A reader recording its reads")
struct EnvironmentReadRecorderTests {
    @Test("reports every name asked for, set or not, also through merged and defaulted readers")
    func reportsEveryNameAskedFor() throws {
        let recorder = EnvironmentReadRecorder()
        let reader = EnvironmentReader(["GM_PG_URL": "postgres://h/db", "GM_UNREAD_URL": "http://h"])
            .recordingReads(in: recorder)
            .merging(["GM_HTTP_PORT": "0"])
            .withDefaults(["GM_KAFKA_LINGER_MS": "1"])
        _ = try reader.url("GM_PG_URL", schemes: ["postgres"])
        _ = try reader.int("GM_HTTP_PORT", default: 1)
        _ = try reader.secret("GM_KEY")
        _ = reader.optional("GM_REDIS_URL")
        #expect(recorder.namesRead == ["GM_PG_URL", "GM_HTTP_PORT", "GM_KEY", "GM_KEY_FILE", "GM_REDIS_URL"])
    }

    @Test("a default supplied by the service is not a read; asking for it later is")
    func defaultsAreNotReads() {
        let recorder = EnvironmentReadRecorder()
        let reader = EnvironmentReader([:]).recordingReads(in: recorder).withDefaults(["GM_KAFKA_LINGER_MS": "1"])
        #expect(recorder.namesRead.isEmpty)
        #expect(reader.optional("GM_KAFKA_LINGER_MS") == "1")
        #expect(recorder.namesRead == ["GM_KAFKA_LINGER_MS"])
    }
}
