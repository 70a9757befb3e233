import Foundation
import GameMetricsKit
import GameMetricsTesting

/// Runs ingestion's `EventValidator` (or the processor's reader of stored records) and a JSON Schema (PyPI `jsonschema`, through
/// tools/schemas/validate_events.py in the charts' venv) over the same inputs and sorts each
/// into agreement, a listed difference or a disagreement.
struct EventSchemaComparison {
    struct Input: Sendable {
        var name: String
        var bytes: [UInt8]
    }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let envelopeSchema = root.appendingPathComponent("docs/schemas/player-event.schema.json")
    static let recordSchema = root.appendingPathComponent("docs/schemas/player-event-record.schema.json")

    /// Ingestion's rules for a client's event (clock, currency list; tenant from the credential).
    static let ingestion: @Sendable ([UInt8]) -> EventValidationResult = { EventValidator().validate($0, tenantID: "tenant-a") }

    /// The processor's reader of player.events.raw (`PlayerEvent(jsonBytes:)`, the stored mode).
    static let storedRecords: @Sendable ([UInt8]) -> EventValidationResult = { bytes in
        do throws(EventDecodingError) {
            return .valid(try PlayerEvent(jsonBytes: bytes))
        } catch {
            return .invalid(error.errors)
        }
    }
    static let script = root.appendingPathComponent("tools/schemas/validate_events.py")

    var inputs = 0
    var bothAccepted = 0
    var bothRejected = 0
    var explained: [KnownSchemaDifference: Int] = [:]
    var disagreements: [String] = []

    /// Compares every input; `schema` is the file the Python side validates against, `validate`
    /// the Swift side.
    static func run(
        _ inputs: [Input], schema: URL, validate: @Sendable ([UInt8]) -> EventValidationResult = ingestion
    ) async throws -> EventSchemaComparison {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-agreement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Names sort in input order: the script answers in name order.
        let names = inputs.indices.map { String(format: "%06d", $0) }
        for (name, input) in zip(names, inputs) {
            try Data(input.bytes).write(to: directory.appendingPathComponent(name))
        }
        let python = try TestServers.value("GM_TEST_CHARTS_PYTHON")
        let run = try await ChildProcess.capture(python, [script.path, schema.path, directory.path], in: root)
        guard run.status == 0 else {
            throw ComparisonFailure("validate_events.py exited \(run.status): \(run.standardError.suffix(2000))")
        }
        let lines = String(decoding: run.standardOutput, as: UTF8.self).split(separator: "\n")
        guard lines.count == inputs.count else {
            throw ComparisonFailure("validate_events.py judged \(lines.count) of \(inputs.count) inputs: \(run.standardError.suffix(2000))")
        }

        var comparison = EventSchemaComparison()
        for (input, line) in zip(inputs, lines) {
            guard let judgement = SchemaJudgement(line: line) else { throw ComparisonFailure("unreadable line: \(line.prefix(300))") }
            comparison.record(input, validate(input.bytes), judgement)
        }
        return comparison
    }

    /// The input's first bytes, readable: the message of a disagreement shows what was judged.
    static func excerpt(_ bytes: [UInt8]) -> String {
        let head = bytes.prefix(240).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
        return bytes.count > 240 ? head + "… (\(bytes.count) bytes)" : head
    }

    mutating func record(_ input: Input, _ result: EventValidationResult, _ judgement: SchemaJudgement) {
        inputs += 1
        switch (result.isValid, judgement.verdict == .accepted) {
        case (true, true):
            bothAccepted += 1
        case (false, false):
            bothRejected += 1
        case (true, false):
            disagreements.append("\(input.name) [\(Self.excerpt(input.bytes))]: ingestion accepts, the schema refuses (\(judgement.verdict.rawValue): \(judgement.errors.joined(separator: "; ")))")
        case (false, true):
            if let differences = KnownSchemaDifference.explaining(result.errors, judgement) {
                for difference in differences { explained[difference, default: 0] += 1 }
            } else {
                disagreements.append("\(input.name) [\(Self.excerpt(input.bytes))]: the schema accepts, ingestion refuses with \(result.errors.map(\.description).joined(separator: ", "))")
            }
        }
    }

    struct ComparisonFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
