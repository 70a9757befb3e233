import Redis
import Testing

@Suite("Redis configuration URLs")
struct RedisConfigurationTests {
    @Test("a full URL yields host, port, password and database")
    func parsesFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cr%40t@cache.internal:6380/3", poolSize: 4)
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.username == nil)
        #expect(configuration.password == "s3cr@t")
        #expect(configuration.database == 3)
        #expect(configuration.poolSize == 4)
    }

    @Test("port and database default to 6379 and 0, pool size to 8")
    func appliesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://localhost")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.password == nil)
        #expect(configuration.poolSize == 8)
    }

    @Test("the description never shows the password")
    func redactsPassword() throws {
        let configuration = try RedisConfiguration(url: "redis://app:hunter2@localhost:6379/1")
        #expect(configuration.username == "app")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("localhost:6379/1"))
    }

    @Test(
        "a malformed URL throws invalidURL",
        arguments: [
            "", "localhost:6379", "http://localhost:6379", "rediss://localhost:6379", "redis://",
            "redis://localhost:70000", "redis://localhost:6379/cache", "redis://localhost:6379/-1",
            "redis://localhost:6379/0?timeout=5", "redis://user@localhost:6379",
        ]
    )
    func rejectsMalformedURL(url: String) {
        #expect {
            _ = try RedisConfiguration(url: url)
        } throws: { error in
            guard case .invalidURL(let reason) = error as? RedisError else { return false }
            return !reason.isEmpty
        }
    }

    @Test("an invalid URL's error message hides the password")
    func invalidURLHidesPassword() {
        #expect {
            _ = try RedisConfiguration(url: "redis://:hunter2@localhost:6379/notanumber")
        } throws: { error in
            guard let error = error as? RedisError, case .invalidURL = error else { return false }
            return !error.description.contains("hunter2")
        }
    }

    @Test("a cluster URL lists its seed nodes, which share the credentials")
    func parsesClusterSeeds() throws {
        let configuration = try RedisConfiguration(url: "redis://app:s3cr%40t@10.0.0.1:7000,10.0.0.2,[::1]:7002", mode: .cluster)
        #expect(configuration.mode == .cluster)
        #expect(
            configuration.seeds == [
                RedisEndpoint(host: "10.0.0.1", port: 7000), RedisEndpoint(host: "10.0.0.2", port: 6379), RedisEndpoint(host: "::1", port: 7002),
            ])
        #expect(configuration.username == "app")
        #expect(configuration.password == "s3cr@t")
        #expect(!configuration.description.contains("s3cr"))
        #expect(try RedisConfiguration(url: "redis://cache:6379", mode: .single).mode == .single)
    }

    @Test(
        "a cluster URL with a database other than 0 or an empty seed is refused",
        arguments: ["redis://10.0.0.1:7000,10.0.0.2:7001/2", "redis://10.0.0.1:7000,,10.0.0.2", "redis://a:7000,b:99999"]
    )
    func rejectsBadClusterURL(_ url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url, mode: .cluster) }
    }
}
