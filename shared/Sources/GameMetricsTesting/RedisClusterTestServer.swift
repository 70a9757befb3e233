import Foundation
import Redis
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway Redis Cluster of six `redis-server` processes on free loopback ports (3 masters,
/// 3 replicas, made by `redis-cli --cluster create --cluster-replicas 1`), without persistence, in a
/// temp directory. Tests move slots between masters and kill masters through it.
///
/// Every port (client and cluster-bus) is chosen free at runtime, so parallel runs by other people
/// on the same machine do not collide. Admin commands go through single-node clients, one per node.
public final class RedisClusterTestServer: @unchecked Sendable {
    public struct NotAvailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// One `redis-server` of the cluster.
    public final class Node: @unchecked Sendable {
        public let port: Int
        public let busPort: Int
        public let directory: URL
        fileprivate var process: Process?
        /// A single-node client for admin commands on this node only (no redirects followed).
        public let admin: RedisClient

        public var address: String { "127.0.0.1:\(port)" }
        public var isRunning: Bool { process?.isRunning ?? false }

        fileprivate init(port: Int, busPort: Int, directory: URL) {
            self.port = port
            self.busPort = busPort
            self.directory = directory
            admin = RedisClient(
                configuration: RedisConfiguration(
                    host: "127.0.0.1", port: port, poolSize: 2, connectTimeout: .milliseconds(500), commandTimeout: .seconds(5)))
        }

        /// `command` on this node; an error reply throws `RedisError.serverError`.
        @discardableResult
        public func run(_ command: String...) async throws -> RedisValue {
            try await admin.execute(command)
        }

        /// `CLUSTER MYID`.
        public func id() async throws -> String {
            guard let id = try await run("CLUSTER", "MYID").string else { throw NotAvailable(description: "CLUSTER MYID gave no id") }
            return id
        }
    }

    public let nodes: [Node]
    public let directory: URL
    /// How long a node may be unreachable before the others mark it failed and promote its replica.
    public let nodeTimeout: Duration
    private let server: URL
    private let cli: URL

    /// The `host:port` of every node, as a client's seed list.
    public var seeds: [String] { nodes.map(\.address) }

    /// Starts a cluster, runs `body` with it and a client on it, and always cleans both up.
    public static func with<Result>(
        nodeTimeout: Duration = .seconds(5),
        poolSize: Int = 8,
        commandTimeout: Duration = .seconds(2),
        _ body: (RedisClusterTestServer, RedisClient) async throws -> Result
    ) async throws -> Result {
        let cluster = try RedisClusterTestServer(nodeTimeout: nodeTimeout)
        defer { cluster.remove() }
        try await cluster.start()
        let client = RedisClient(configuration: try cluster.clientConfiguration(poolSize: poolSize, commandTimeout: commandTimeout))
        do {
            let result = try await body(cluster, client)
            await client.shutdown()
            await cluster.shutdownAdminClients()
            return result
        } catch {
            await client.shutdown()
            await cluster.shutdownAdminClients()
            throw error
        }
    }

    /// The configuration a service would use for this cluster.
    public func clientConfiguration(poolSize: Int = 8, commandTimeout: Duration = .seconds(2)) throws -> RedisConfiguration {
        try RedisConfiguration(
            url: "redis://\(seeds.joined(separator: ","))", mode: .cluster, poolSize: poolSize,
            connectTimeout: .milliseconds(500), commandTimeout: commandTimeout)
    }

    public init(nodeTimeout: Duration = .seconds(5)) throws {
        server = try Self.findExecutable("redis-server", override: "GM_TEST_REDIS_SERVER")
        cli = try Self.findExecutable("redis-cli", near: server)
        self.nodeTimeout = nodeTimeout
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gm-redis-cluster-test-\(UUID().uuidString)")
        let ports = try Self.freeLoopbackPorts(12)
        var nodes: [Node] = []
        for index in 0..<6 {
            let nodeDirectory = directory.appendingPathComponent("node-\(index)")
            try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
            nodes.append(Node(port: ports[index], busPort: ports[6 + index], directory: nodeDirectory))
        }
        self.nodes = nodes
    }

    /// Launches the six servers, joins them into a cluster and waits until every node sees all
    /// slots served and three replicas attached (at most 60 s).
    public func start() async throws {
        for node in nodes {
            try launch(node)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        for node in nodes {
            while !RedisTestServer.accepts(port: node.port) {
                guard ContinuousClock.now < deadline, node.isRunning else {
                    throw NotAvailable(description: "redis-server on port \(node.port) did not come up; see \(node.directory.path)/redis.log")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await runCLI(["--cluster", "create"] + seeds + ["--cluster-replicas", "1", "--cluster-yes"])
        try await waitUntilHealthy(timeout: .seconds(60))
    }

    /// Waits until every running node reports `cluster_state:ok`, all 16384 slots are served by
    /// running masters and (with `replicas`) every master has a replica whose replication link is
    /// up, or throws after `timeout`.
    public func waitUntilHealthy(timeout: Duration = .seconds(30), replicas: Bool = true) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = "not checked yet"
        while ContinuousClock.now < deadline {
            do {
                if let problem = try await healthProblem(replicas: replicas) { last = problem } else { return }
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NotAvailable(description: "the Redis cluster did not become healthy within \(timeout): \(last)")
    }

    private func healthProblem(replicas: Bool) async throws -> String? {
        let running = nodes.filter(\.isRunning)
        for node in running {
            let info = try await node.run("CLUSTER", "INFO").string ?? ""
            guard info.contains("cluster_state:ok"), info.contains("cluster_slots_ok:16384") else {
                return "node \(node.port): \(info.split(separator: "\r\n").prefix(3).joined(separator: " "))"
            }
        }
        let lines = (try await running[0].run("CLUSTER", "NODES").string ?? "").split(separator: "\n")
        // <id> <ip:port@bus> <flags> <master id> <ping> <pong> <epoch> <link> <slot ranges...>
        let masters = lines.map { $0.split(separator: " ") }.filter { $0[2].contains("master") && !$0[2].contains("fail") && $0.count > 8 }
        guard masters.count == 3 else { return "\(masters.count) masters serve slots" }
        let runningPorts = Set(running.map(\.port))
        for master in masters {
            let port = master[1].split(separator: "@")[0].split(separator: ":").last.flatMap { Int($0) }
            guard let port, runningPorts.contains(port) else { return "the stopped node \(master[1]) still serves slots" }
        }
        if replicas {
            let masterIDs = Set(masters.map { String($0[0]) })
            let replicaOf = Set(lines.filter { $0.contains("slave") && !$0.contains("fail") }.map { String($0.split(separator: " ")[3]) })
            guard masterIDs.isSubset(of: replicaOf) else { return "not every master has a replica yet" }
            for node in running where try await node.run("ROLE").array?.first?.string == "slave" {
                let info = try await node.run("INFO", "replication").string ?? ""
                guard info.contains("master_link_status:up") else { return "replica \(node.port) has not synced with its master yet" }
            }
        }
        return nil
    }

    /// The node that serves `slot` now, as the running nodes' `CLUSTER SLOTS` say.
    public func master(of slot: Int) async throws -> Node {
        for asked in nodes where asked.isRunning {
            guard let ranges = try? await asked.run("CLUSTER", "SLOTS").array else { continue }
            for range in ranges {
                guard let parts = range.array, parts.count >= 3, let first = parts[0].integer, let last = parts[1].integer,
                    (first...last).contains(slot), let port = parts[2].array?[1].integer,
                    let node = nodes.first(where: { $0.port == port })
                else { continue }
                return node
            }
        }
        throw NotAvailable(description: "no running node knows who serves slot \(slot)")
    }

    /// A running master other than `node`.
    public func otherMaster(than node: Node) async throws -> Node {
        for slot in stride(from: 0, to: 16384, by: 1024) {
            let candidate = try await master(of: slot)
            if candidate !== node { return candidate }
        }
        throw NotAvailable(description: "there is no other master")
    }

    /// The hash slot the server computes for `key` (`CLUSTER KEYSLOT`).
    public func slot(of key: String) async throws -> Int {
        guard let slot = try await nodes.first(where: \.isRunning)!.run("CLUSTER", "KEYSLOT", key).integer else {
            throw NotAvailable(description: "CLUSTER KEYSLOT gave no integer")
        }
        return slot
    }

    /// Starts moving `slot` from `source` to `target` the way `redis-cli --cluster reshard` does:
    /// the target imports, the source migrates. Until `finishMigration`, the source answers `ASK`
    /// for keys it no longer holds.
    public func beginMigration(slot: Int, from source: Node, to target: Node) async throws {
        try await target.run("CLUSTER", "SETSLOT", String(slot), "IMPORTING", try await source.id())
        try await source.run("CLUSTER", "SETSLOT", String(slot), "MIGRATING", try await target.id())
    }

    /// Moves `keys` (all in one migrating slot) from `source` to `target` with `MIGRATE`.
    public func migrate(keys: [String], from source: Node, to target: Node) async throws {
        guard !keys.isEmpty else { return }
        _ = try await source.admin.execute(["MIGRATE", "127.0.0.1", String(target.port), "", "0", "5000", "KEYS"] + keys)
    }

    /// Hands `slot` to `target` on every master, ending a migration (the source then answers `MOVED`).
    public func finishMigration(slot: Int, to target: Node) async throws {
        let targetID = try await target.id()
        for node in nodes where node.isRunning {
            let role = try await node.run("ROLE").array?.first?.string
            if role == "master" {
                try await node.run("CLUSTER", "SETSLOT", String(slot), "NODE", targetID)
            }
        }
    }

    /// Moves `slot` with all its keys from its master to `target`.
    public func moveSlot(_ slot: Int, to target: Node) async throws {
        let source = try await master(of: slot)
        guard source !== target else { return }
        try await beginMigration(slot: slot, from: source, to: target)
        while true {
            let keys = try await source.run("CLUSTER", "GETKEYSINSLOT", String(slot), "100").array?.compactMap(\.string) ?? []
            if keys.isEmpty { break }
            try await migrate(keys: keys, from: source, to: target)
        }
        try await finishMigration(slot: slot, to: target)
    }

    /// Kills `node` with SIGKILL: no goodbye to clients or to the cluster, as a crashed host.
    public func kill(_ node: Node) {
        guard let process = node.process else { return }
        node.process = nil
        killHard(process.processIdentifier)
        process.waitForExit()
    }

    /// Stops every node and deletes the directory.
    public func remove() {
        for node in nodes {
            if let process = node.process {
                node.process = nil
                killHard(process.processIdentifier)
                process.waitForExit()
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public func shutdownAdminClients() async {
        for node in nodes {
            await node.admin.shutdown()
        }
    }

    // MARK: Processes

    private func launch(_ node: Node) throws {
        let process = Process()
        process.executableURL = server
        let milliseconds = nodeTimeout.components.seconds * 1_000 + nodeTimeout.components.attoseconds / 1_000_000_000_000_000
        process.arguments = [
            "--port", String(node.port), "--cluster-port", String(node.busPort), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-config-file", node.directory.appendingPathComponent("nodes.conf").path,
            "--cluster-node-timeout", String(milliseconds),
            "--save", "", "--appendonly", "no", "--dir", node.directory.path,
            // Replicas sync at once (the default waits 5 s): a replica that never synced cannot
            // be promoted, and a test may kill its master early.
            "--repl-diskless-sync-delay", "0",
            "--logfile", node.directory.appendingPathComponent("redis.log").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        node.process = process
    }

    private func runCLI(_ arguments: [String]) async throws {
        let (status, output) = try await ChildProcess.run(cli.path, arguments)
        guard status == 0 else {
            throw NotAvailable(description: "redis-cli \(arguments.joined(separator: " ")) failed: \(output)")
        }
    }

    private static func findExecutable(_ name: String, override: String? = nil, near sibling: URL? = nil) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let override, let configured = environment[override], !configured.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: configured) else {
                throw NotAvailable(description: "\(override)=\(configured) is not an executable file")
            }
            return URL(fileURLWithPath: configured)
        }
        var directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if let sibling { directories.insert(sibling.deletingLastPathComponent().path, at: 0) }
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return URL(fileURLWithPath: "\(directory)/\(name)")
        }
        throw NotAvailable(description: "\(name) was not found on PATH; install it (Debian: apt-get install redis-server redis-tools)")
    }

    /// `count` distinct free loopback ports: all are bound at once before any is released.
    private static func freeLoopbackPorts(_ count: Int) throws -> [Int] {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw NotAvailable(description: "socket() failed: errno \(errno)") }
            descriptors.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound else { throw NotAvailable(description: "could not bind a loopback port: errno \(errno)") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

/// SIGKILL, outside the class: inside it the method `kill(_:)` would shadow the C function.
private func killHard(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}
