import Foundation

/// A service executable in a process of its own, so a test can SIGKILL or SIGTERM it or run it
/// beside in-process services without sharing their global logging and metrics.
public final class ServiceProcess: @unchecked Sendable {
    private let process: Process

    private init(process: Process) {
        self.process = process
    }

    public static func start(_ path: String, arguments: [String] = [], environment: [String: String]) throws -> ServiceProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = try logFile(for: path) ?? FileHandle.nullDevice
        // Both streams: a configuration error (exit 78) is said on stderr before any log line.
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return ServiceProcess(process: process)
    }

    /// With `GM_TEST_SERVICE_LOGS` (test.sh sets it to its logs folder), the process's output
    /// (log lines and anything on stderr) goes to `<executable>-<time>.log` there, to read after a failure; otherwise nowhere.
    private static func logFile(for path: String) throws -> FileHandle? {
        guard let folder = ProcessInfo.processInfo.environment["GM_TEST_SERVICE_LOGS"] else { return nil }
        let name = "\(URL(fileURLWithPath: path).lastPathComponent)-\(Int(Date().timeIntervalSince1970 * 1000)).log"
        let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { return nil }
        return try FileHandle(forWritingTo: url)
    }

    public var isRunning: Bool { process.isRunning }

    /// The exit status once the process has exited (see ``waitForExit(within:)``); nil before.
    public var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// SIGKILL: no graceful shutdown, no commit, no flush.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitForExit()
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
}
