import Foundation

/// A service executable in a process of its own, so a test can SIGKILL it or run it beside
/// in-process services without sharing their global logging and metrics.
public final class ServiceProcess: @unchecked Sendable {
    private let process: Process

    private init(process: Process) {
        self.process = process
    }

    public static func start(_ path: String, environment: [String: String]) throws -> ServiceProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return ServiceProcess(process: process)
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGKILL: no graceful shutdown, no commit, no flush.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
