import Foundation
import Redis
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway `redis-server` on a free loopback port, without persistence, in a temp directory.
/// It can be stopped and started again on the same port to play a server restart.
public final class RedisTestServer {
    public struct NotAvailable: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let directory: URL
    private let executable: URL
    private var process: Process?

    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts a server, runs `body` with it and a client on it, and always cleans both up.
    public static func with<Result>(
        poolSize: Int = 8,
        commandTimeout: Duration = .seconds(2),
        _ body: (RedisTestServer, RedisClient) async throws -> Result
    ) async throws -> Result {
        let server = try RedisTestServer()
        defer { server.remove() }
        try await server.start()
        let configuration = try RedisConfiguration(
            url: server.url, poolSize: poolSize, connectTimeout: .milliseconds(500), commandTimeout: commandTimeout
        )
        let client = RedisClient(configuration: configuration)
        do {
            let result = try await body(server, client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    public init() throws {
        executable = try Self.findExecutable()
        port = try Self.freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gm-redis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Launches the server and waits until it accepts connections (at most 30 s).
    public func start() async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Generous: on a busy machine (the test run itself) a sleeping task may wake seconds late.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if Self.accepts(port: port) { return }
        stop()
        throw NotAvailable(description: "redis-server on port \(port) did not come up; see \(directory.path)/redis.log")
    }

    /// Stops the server the way an operator's `redis-cli shutdown nosave` does, then waits for the
    /// process to exit; clients see their connections closed. SIGKILL is only the fallback.
    ///
    /// Why not SIGTERM: Foundation's `Process` on Linux starts the child with the spawning thread's
    /// signal mask, and the concurrency pool's threads block SIGTERM, so redis-server never sees it.
    public func stop() {
        guard let process else { return }
        self.process = nil
        Self.sendShutdown(port: port)
        if !process.waitForExit(atMost: .seconds(5)) {
            kill(process.processIdentifier, SIGKILL)
            process.waitForExit()
        }
    }

    /// Sends `SHUTDOWN NOSAVE` on a plain socket and waits (at most 2 s) for the server to hang up.
    private static func sendShutdown(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return }
        let command = Array("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n".utf8)
        _ = command.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 256)
        while recv(fd, &buffer, buffer.count, 0) > 0 {}
    }

    public func remove() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func findExecutable() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["GM_TEST_REDIS_SERVER"], !configured.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: configured) else {
                throw NotAvailable(description: "GM_TEST_REDIS_SERVER=\(configured) is not an executable file")
            }
            return URL(fileURLWithPath: configured)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate)
            }
        }
        throw NotAvailable(
            description: """
                redis-server was not found on PATH and GM_TEST_REDIS_SERVER is not set; \
                install it (Debian: apt-get install redis-server) or point GM_TEST_REDIS_SERVER at the binary
                """)
    }

    /// Binds port 0 on loopback and returns the port the kernel chose.
    private static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NotAvailable(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw NotAvailable(description: "could not bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
