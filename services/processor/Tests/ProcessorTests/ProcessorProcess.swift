import Foundation

/// The processor executable in a process of its own, so a test can SIGKILL it.
final class ProcessorProcess: @unchecked Sendable {
    private let process: Process

    private init(process: Process) {
        self.process = process
    }

    static func start(_ path: String, environment: [String: String]) throws -> ProcessorProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return ProcessorProcess(process: process)
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no graceful shutdown, no commit, no flush.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
