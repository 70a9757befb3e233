import Foundation

/// Typed access to `GM_*` environment variables with errors that name the variable.
public struct EnvironmentReader: Sendable {
    private let values: [String: String]
    /// Told the name of every variable read, in tests that derive the call graph; nil otherwise.
    private let recorder: EnvironmentReadRecorder?

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(values, recorder: nil)
    }

    private init(_ values: [String: String], recorder: EnvironmentReadRecorder?) {
        self.values = values
        self.recorder = recorder
    }

    /// These variables, reporting the name of each one read (through this reader or one derived
    /// from it) to `recorder`.
    public func recordingReads(in recorder: EnvironmentReadRecorder) -> EnvironmentReader {
        EnvironmentReader(values, recorder: recorder)
    }

    /// These variables with `overrides` taking precedence.
    public func merging(_ overrides: [String: String]) -> EnvironmentReader {
        EnvironmentReader(values.merging(overrides) { _, override in override }, recorder: recorder)
    }

    /// These variables, with `defaults` for those that are unset or blank: a service's own
    /// defaults for shared variables (e.g. a shorter Kafka linger for ingestion).
    public func withDefaults(_ defaults: [String: String]) -> EnvironmentReader {
        var values = self.values
        // Not a read by the service: only what it later asks for is recorded.
        for (name, value) in defaults where trimmed(name) == nil { values[name] = value }
        return EnvironmentReader(values, recorder: recorder)
    }

    /// The trimmed value, or nil when unset or blank. Every other accessor reads through this one.
    public func optional(_ name: String) -> String? {
        recorder?.record(name)
        return trimmed(name)
    }

    private func trimmed(_ name: String) -> String? {
        guard let raw = values[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    public func required(_ name: String) throws -> String {
        guard let value = optional(name) else {
            throw ConfigurationError(variable: name, problem: "is required but not set")
        }
        return value
    }

    /// A secret given inline in `name` or as a file named by `name_FILE` (one of the two; the
    /// file's content without surrounding whitespace), or nil when neither is set. A blank file
    /// counts as unset, like a blank variable: the previous key of a two-key secret is mounted
    /// always and is empty between rotations (runbooks/secret-rotation.md).
    public func secret(_ name: String) throws -> String? {
        let fileVariable = name + "_FILE"
        switch (optional(name), optional(fileVariable)) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw ConfigurationError(variable: name, problem: "is set together with \(fileVariable); set one of them")
        case (let inline?, nil):
            return inline
        case (nil, let path?):
            guard let content = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(variable: fileVariable, problem: "names a file that cannot be read: \(path)")
            }
            let value = String(decoding: content, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? nil : value
        }
    }

    /// A secret that must be given, inline in `name` or as a file named by `name_FILE`.
    public func requiredSecret(_ name: String) throws -> String {
        guard let value = try secret(name) else {
            throw ConfigurationError(variable: name, problem: "is required but not set (nor \(name)_FILE)")
        }
        return value
    }

    public func string(_ name: String, default fallback: String) -> String {
        optional(name) ?? fallback
    }

    public func int(_ name: String, default fallback: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let raw = optional(name) else { return fallback }
        guard let value = Int(raw) else {
            throw ConfigurationError(variable: name, problem: "must be an integer, got '\(raw)'")
        }
        guard range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "must be within \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    public func double(_ name: String, default fallback: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let raw = optional(name) else { return fallback }
        guard let value = Double(raw), value.isFinite else {
            throw ConfigurationError(variable: name, problem: "must be a number, got '\(raw)'")
        }
        guard range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "must be within \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    /// A duration given in milliseconds.
    public func milliseconds(_ name: String, default fallback: Duration) throws -> Duration {
        guard optional(name) != nil else { return fallback }
        return .milliseconds(try int(name, default: 0, in: 0...86_400_000))
    }

    public func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let raw = optional(name)?.lowercased() else { return fallback }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, problem: "must be true or false, got '\(raw)'")
        }
    }

    /// A URL whose scheme is one of `schemes`.
    public func url(_ name: String, schemes: Set<String>) throws -> URL? {
        guard let raw = optional(name) else { return nil }
        return try Self.parseURL(raw, variable: name, schemes: schemes, quoting: raw)
    }

    /// A URL that carries a credential (a database password): inline in `name` or from the file
    /// `name_FILE` names, like ``secret(_:)``. Errors name the variable, never the value.
    public func requiredSecretURL(_ name: String, schemes: Set<String>) throws -> URL {
        try Self.parseURL(try requiredSecret(name), variable: name, schemes: schemes, quoting: nil)
    }

    private static func parseURL(_ raw: String, variable: String, schemes: Set<String>, quoting shown: String?) throws -> URL {
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw ConfigurationError(variable: variable, problem: "must be a URL with a host" + (shown.map { ", got '\($0)'" } ?? ""))
        }
        guard schemes.contains(scheme) else {
            throw ConfigurationError(variable: variable, problem: "must use \(schemes.sorted().joined(separator: " or ")), got '\(scheme)'")
        }
        return url
    }

    public func requiredURL(_ name: String, schemes: Set<String>) throws -> URL {
        guard let url = try url(name, schemes: schemes) else {
            throw ConfigurationError(variable: name, problem: "is required but not set")
        }
        return url
    }
}
