import Foundation
import GameMetricsKit
import Testing

@Suite("Records of the invalid-events topic")
struct InvalidEventRecordTests {
    static func decode(_ record: InvalidEventRecord) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(record.jsonBytes())) as? [String: Any])
    }

    @Test("a small JSON payload is embedded whole, with its SHA-256 and length")
    func smallPayloadIsEmbedded() throws {
        let record = InvalidEventRecord(
            tenantID: "tenant-a", source: "ingestion", receivedAt: Date(), index: 2,
            errors: [FieldError("type", .unknownType)], payload: .json(Array(#"{"type":"x"}"#.utf8)))
        let json = try Self.decode(record)
        #expect((json["event"] as? [String: String]) == ["type": "x"])
        #expect(json["payload_bytes"] as? Int == 12)
        #expect(json["payload_truncated"] == nil)
        // sha256 of {"type":"x"}, as `printf '%s' '{"type":"x"}' | sha256sum` prints it.
        #expect(json["payload_sha256"] as? String == "c432d16d2a54b09f4af18a18a547a31b57d802f3e057950b50a62052c14cc999")
    }

    @Test("the worst case stays under maximumBytes: huge payload, escaped long texts, too many errors")
    func worstCaseIsBounded() throws {
        let control = String(repeating: "\u{1}", count: 5_000)
        let payload = [UInt8](repeating: 0xFF, count: 2_000_000)
        let record = InvalidEventRecord(
            tenantID: control, source: control, receivedAt: Date(), index: Int.max,
            errors: (0..<200).map { _ in FieldError(field: control, reason: control) }, payload: .opaque(payload))
        let bytes = record.jsonBytes()
        #expect(bytes.count <= InvalidEventRecord.maximumBytes, "\(bytes.count) bytes")
        let json = try Self.decode(record)
        #expect((json["errors"] as? [Any])?.count == InvalidEventRecord.maximumErrors)
        #expect(json["errors_omitted"] as? Int == 200 - InvalidEventRecord.maximumErrors)
        #expect(json["payload_bytes"] as? Int == payload.count)
        #expect(json["payload_truncated"] as? Bool == true)
        let prefix = try #require((json["payload_prefix_base64"] as? String).flatMap { Data(base64Encoded: $0) })
        #expect(prefix.count == InvalidEventRecord.embeddedPayloadLimit)
        #expect((json["tenant_id"] as? String)?.utf8.count == InvalidEventRecord.maximumTextBytes)
    }

    @Test("texts are cut on a scalar boundary, never inside a multi-byte character")
    func textsAreCutOnScalars() throws {
        let record = InvalidEventRecord(
            tenantID: String(repeating: "é", count: 300), source: "processor", receivedAt: Date(), index: nil,
            errors: [], payload: .opaque([1, 2, 3]))
        #expect(record.tenantID == String(repeating: "é", count: 128))
    }
}
