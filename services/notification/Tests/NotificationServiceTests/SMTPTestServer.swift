import Foundation
import GameMetricsTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The project's SMTP sink (tools/smtp-sink, Debian's aiosmtpd) on a free loopback port, keeping
/// every accepted message as a file; it can be stopped and started again on the same port to
/// play a relay outage.
final class SMTPTestServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private var process: Process?

    init() throws {
        port = try PlatformContract.freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gm-smtp-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools/smtp-sink/smtp_sink.py").path
    }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script, "--port", String(port), "--dir", directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        try await eventually(.seconds(30), every: .milliseconds(50)) { Self.accepts(port: self.port) || !process.isRunning }
        guard process.isRunning else { throw NotStarted() }
    }

    /// SIGKILL, so the port refuses connections at once (as a relay that went down).
    func stop() {
        guard let process else { return }
        self.process = nil
        kill(process.processIdentifier, SIGKILL)
        process.waitForExit()
    }

    func remove() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    struct NotStarted: Error {}

    /// The messages kept so far, oldest first.
    func messages() throws -> [ReceivedEmail] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let raw = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".json"))))
            let recipients = (meta as? [String: Any])?["rcpt_tos"] as? [String] ?? []
            return ReceivedEmail(raw: raw, recipients: recipients)
        }
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// One email as the sink kept it, with its headers and decoded MIME parts.
struct ReceivedEmail: Sendable {
    let raw: String
    let recipients: [String]

    /// The top-level header `name` (case-insensitive), unfolded.
    func header(_ name: String) -> String? {
        let head = raw.components(separatedBy: "\r\n\r\n").first ?? raw.components(separatedBy: "\n\n").first ?? ""
        for line in head.components(separatedBy: .newlines) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The decoded body of the part whose Content-Type starts with `type`.
    func part(_ type: String) -> String? {
        guard let contentType = header("Content-Type"), let range = contentType.range(of: "boundary=\"") else { return nil }
        let boundary = contentType[range.upperBound...].prefix { $0 != "\"" }
        for section in raw.components(separatedBy: "--\(boundary)") {
            let normalized = section.replacingOccurrences(of: "\r\n", with: "\n")
            let pieces = normalized.components(separatedBy: "\n\n")
            guard pieces.count >= 2, pieces[0].lowercased().contains("content-type: \(type)") else { continue }
            let body = pieces.dropFirst().joined(separator: "\n\n").replacingOccurrences(of: "\n", with: "")
            return Data(base64Encoded: body).map { String(decoding: $0, as: UTF8.self) }
        }
        return nil
    }
}
