import Foundation
import Logging

/// Writes one JSON object per line to stdout: `ts`, `level`, `service`, `msg`, then metadata
/// (`trace_id` among it), so log shippers need no parsing rules.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let service: String
    private let output: JSONLineWriter

    public init(service: String, level: Logger.Level, output: JSONLineWriter = .standardOutput) {
        self.service = service
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: Any] = [:]
        for (key, value) in metadata { fields[key] = Self.plain(value) }
        for (key, value) in event.metadata ?? [:] { fields[key] = Self.plain(value) }
        fields["ts"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        fields["level"] = event.level.rawValue
        fields["service"] = service
        fields["msg"] = event.message.description
        if event.level >= .warning { fields["source"] = "\(event.file):\(event.line)" }
        output.write(fields)
    }

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(plain)
        case .dictionary(let values): return values.mapValues(plain)
        }
    }
}

/// Serializes whole lines under a lock so concurrent log calls never interleave.
public final class JSONLineWriter: @unchecked Sendable {
    public static let standardOutput = JSONLineWriter(handle: .standardOutput)

    private let handle: FileHandle
    private let lock = NSLock()

    public init(handle: FileHandle) {
        self.handle = handle
    }

    func write(_ fields: [String: Any]) {
        guard var line = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        lock.withLock { handle.write(line) }
    }
}
