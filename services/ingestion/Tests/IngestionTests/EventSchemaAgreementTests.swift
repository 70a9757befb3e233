import Foundation
import GameMetricsKit
import Testing

/// docs/schemas/player-event.schema.json is the source the schema registry gets (charts/
/// schema-registry-schemas): it must say what ingestion's validator enforces. Both judge the
/// same bytes; each input is accepted by both or refused by both, except where the validator
/// applies a rule JSON Schema cannot express — the list in docs/schemas/README.md, which
/// ``KnownSchemaDifference`` holds, each one seen and confirmed on the input.
@Suite("The event envelope's JSON Schema and ingestion's validator", .serialized)
struct EventSchemaAgreementTests {
    @Test("the bad-input corpora and valid events: the JSON Schema and ingestion's validator agree on each input, but for the listed differences")
    func agreement() async throws {
        let inputs = try await SchemaAgreementCorpus.all()
        let comparison = try await EventSchemaComparison.run(inputs, schema: EventSchemaComparison.envelopeSchema)
        print("schema agreement: \(comparison.inputs) inputs, both accepted \(comparison.bothAccepted), both refused \(comparison.bothRejected), listed differences \(comparison.explained.map { "\($0.key): \($0.value)" }.sorted())")
        #expect(comparison.disagreements == [])
        #expect(comparison.inputs == inputs.count)
        #expect(comparison.bothAccepted >= 3000, "the demo's events and the valid variants are accepted by both")
        #expect(comparison.bothRejected >= 1000)
        // The list is exactly what is needed: each difference occurs (an unused entry would be a
        // rule the schema could express after all, or a corpus that no longer reaches it).
        #expect(Set(comparison.explained.keys) == Set(KnownSchemaDifference.allCases))
    }

    @Test("what ingestion writes, and the corpora as a producer skipping ingestion would write them: the record schema and the processor's reader agree on each input, but for the listed differences")
    func recordAgreement() async throws {
        let envelopes = try await SchemaAgreementCorpus.all()
        let records = SchemaAgreementCorpus.writtenRecords(envelopes)
        #expect(records.count >= 3000)

        // Every record ingestion writes satisfies both schemas and the processor's reader.
        let written = try await EventSchemaComparison.run(records, schema: EventSchemaComparison.recordSchema, validate: EventSchemaComparison.storedRecords)
        #expect(written.bothAccepted == records.count, "\(written.disagreements.prefix(5))")
        let resent = try await EventSchemaComparison.run(records, schema: EventSchemaComparison.envelopeSchema)
        #expect(resent.bothAccepted == records.count, "\(resent.disagreements.prefix(5))")

        let inputs = SchemaAgreementCorpus.withTenant(envelopes) + SchemaAgreementCorpus.tenantVariants()
        let comparison = try await EventSchemaComparison.run(inputs, schema: EventSchemaComparison.recordSchema, validate: EventSchemaComparison.storedRecords)
        print("record schema agreement: \(comparison.inputs) inputs, both accepted \(comparison.bothAccepted), both refused \(comparison.bothRejected), listed differences \(comparison.explained.map { "\($0.key): \($0.value)" }.sorted())")
        #expect(comparison.disagreements == [])
        #expect(comparison.bothAccepted >= 3000)
        #expect(comparison.bothRejected >= 1000)
        // The stored mode has no clock window: only out_of_range remains of clockWindow.
        #expect(Set(comparison.explained.keys) == Set(KnownSchemaDifference.allCases))
    }

    /// A copy of the schema with one constraint loosened (`edit` changes the parsed JSON).
    static func loosened(_ edit: (inout [String: Any]) -> Void) throws -> URL {
        var schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: EventSchemaComparison.envelopeSchema)) as? [String: Any])
        edit(&schema)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loosened-\(UUID().uuidString).schema.json")
        try JSONSerialization.data(withJSONObject: schema).write(to: file)
        return file
    }

    static func editDefinition(_ schema: inout [String: Any], _ name: String, _ edit: (inout [String: Any]) -> Void) {
        var definitions = schema["$defs"] as! [String: Any]
        var definition = definitions[name] as! [String: Any]
        edit(&definition)
        definitions[name] = definition
        schema["$defs"] = definitions
    }

    @Test(
        "the comparison catches a schema loosened by one constraint",
        arguments: [
            "identifiers without maxLength", "currencies without their list", "properties allowing U+0000", "game_id never required",
        ])
    func loosenedSchemaIsCaught(change: String) async throws {
        let schema = try Self.loosened { schema in
            switch change {
            case "identifiers without maxLength":
                Self.editDefinition(&schema, "identifier") { $0["maxLength"] = nil }
            case "currencies without their list":
                Self.editDefinition(&schema, "money") { money in
                    var properties = money["properties"] as! [String: Any]
                    properties["currency"] = ["type": "string", "pattern": "^[A-Z]{3}$"]
                    money["properties"] = properties
                }
            case "properties allowing U+0000":
                Self.editDefinition(&schema, "jsonWithoutNUL") { $0 = [:] }
            default:
                var rules = schema["allOf"] as! [[String: Any]]
                rules.removeFirst()
                schema["allOf"] = rules
            }
        }
        defer { try? FileManager.default.removeItem(at: schema) }
        let comparison = try await EventSchemaComparison.run(SchemaAgreementCorpus.envelopeVariants() + SchemaAgreementCorpus.poisonProperties(), schema: schema)
        #expect(!comparison.disagreements.isEmpty, "\(change): no disagreement found")
        print("\(change): \(comparison.disagreements.count) disagreements, e.g. \(comparison.disagreements.prefix(2))")
    }

    @Test("the schemas enumerate the validator's event types, the types that require game_id and amount, and the currencies")
    func enumerations() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: EventSchemaComparison.envelopeSchema)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let types = try #require((properties["type"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(types) == Set(EventType.allCases.map(\.rawValue)))

        // allOf: [if type in X then game_id required, if type in Y then amount required]
        let rules = try #require(schema["allOf"] as? [[String: Any]])
        func typesRequiring(_ field: String) -> Set<String> {
            for rule in rules {
                guard let then = rule["then"] as? [String: Any], then["required"] as? [String] == [field],
                    let condition = (rule["if"] as? [String: Any])?["properties"] as? [String: Any],
                    let names = (condition["type"] as? [String: Any])?["enum"] as? [String]
                else { continue }
                return Set(names)
            }
            return []
        }
        #expect(typesRequiring("game_id") == Set(EventType.allCases.filter(\.requiresGameID).map(\.rawValue)))
        #expect(typesRequiring("amount") == Set(EventType.allCases.filter(\.requiresAmount).map(\.rawValue)))

        let money = try #require((schema["$defs"] as? [String: Any])?["money"] as? [String: Any])
        let currencies = try #require(((money["properties"] as? [String: Any])?["currency"] as? [String: Any])?["enum"] as? [String])
        #expect(currencies == ISO4217.activeCodes)
        // The record schema states the same types, the same per-type requirements, tenant_id required.
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: EventSchemaComparison.recordSchema)) as? [String: Any])
        #expect(((record["properties"] as? [String: Any])?["type"] as? NSDictionary) == (properties["type"] as? NSDictionary))
        #expect((record["allOf"] as? NSArray) == (schema["allOf"] as? NSArray))
        #expect(Set(record["required"] as? [String] ?? []) == Set((schema["required"] as? [String] ?? []) + ["tenant_id"]))
        #expect(EventValidator.maxIdentifierLength == 128 && (schema["$defs"] as? [String: Any]).flatMap { ($0["identifier"] as? [String: Any])?["maxLength"] as? Int } == 128)
    }
}
