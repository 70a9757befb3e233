import Foundation

/// Runs an executable to its end, for the programs tests drive: schemathesis, the chart tools,
/// and the services' own commands (`user seed-demo`, `<service> migrate`). Output goes through
/// files, so that a long report cannot fill a pipe and stall the child.
public enum ChildProcess {
    /// The exit status and the output (stdout and stderr together). `environment` adds to this
    /// process's.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        try await withOutputFiles(1) { files in
            let status = try await exitStatus(
                executable, arguments, environment: environment, directory: nil,
                standardOutput: files[0], standardError: files[0])
            return (status, String(decoding: try Data(contentsOf: files[0]), as: UTF8.self))
        }
    }

    /// The exit status, stdout as bytes (a document the program prints) and stderr as text (its
    /// complaints), run in `directory`.
    public static func capture(
        _ executable: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]
    ) async throws -> (status: Int32, standardOutput: Data, standardError: String) {
        try await withOutputFiles(2) { files in
            let status = try await exitStatus(
                executable, arguments, environment: environment, directory: directory,
                standardOutput: files[0], standardError: files[1])
            return (status, try Data(contentsOf: files[0]), String(decoding: try Data(contentsOf: files[1]), as: UTF8.self))
        }
    }

    private static func withOutputFiles<T>(_ count: Int, _ body: ([URL]) async throws -> T) async throws -> T {
        let files = (0..<count).map { _ in
            FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).log")
        }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        for file in files { FileManager.default.createFile(atPath: file.path, contents: nil) }
        return try await body(files)
    }

    private static func exitStatus(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: URL?,
        standardOutput: URL, standardError: URL
    ) async throws -> Int32 {
        let output = try FileHandle(forWritingTo: standardOutput)
        let errors = standardError == standardOutput ? output : try FileHandle(forWritingTo: standardError)
        defer {
            try? output.close()
            if errors !== output { try? errors.close() }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = output
        process.standardError = errors
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
