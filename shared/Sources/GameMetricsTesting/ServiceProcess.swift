import Foundation

/// A service executable in a process of its own, so a test can SIGKILL or SIGTERM it or run it
/// beside in-process services without sharing their global logging and metrics.
public final class ServiceProcess: @unchecked Sendable {
    private let process: Process

    private init(process: Process) {
        self.process = process
    }

    public static func start(_ path: String, environment: [String: String]) throws -> ServiceProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try logFile(for: path) ?? FileHandle.nullDevice
        try process.run()
        return ServiceProcess(process: process)
    }

    /// With `GM_TEST_SERVICE_LOGS` (test.sh sets it to its logs folder), the process's log lines
    /// go to `<executable>-<time>.log` there, to read after a failure; otherwise nowhere.
    private static func logFile(for path: String) throws -> FileHandle? {
        guard let folder = ProcessInfo.processInfo.environment["GM_TEST_SERVICE_LOGS"] else { return nil }
        let name = "\(URL(fileURLWithPath: path).lastPathComponent)-\(Int(Date().timeIntervalSince1970 * 1000)).log"
        let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { return nil }
        return try FileHandle(forWritingTo: url)
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGKILL: no graceful shutdown, no commit, no flush.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM: what an orchestrator sends first; the service shuts down gracefully.
    public func terminate() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
    }

    /// Waits until the process has exited, at most `timeout`: how long it took, or nil when it
    /// is still running.
    public func waitForExit(within timeout: Duration) async throws -> Duration? {
        let start = ContinuousClock.now
        while process.isRunning {
            if ContinuousClock.now - start >= timeout { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return ContinuousClock.now - start
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago, for a service process whose port the
    /// test must know (a process started with port 0 does not tell which port it took).
    public static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PortUnavailable() }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw PortUnavailable() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct PortUnavailable: Error {}
}
