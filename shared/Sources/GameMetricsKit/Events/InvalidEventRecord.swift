import Crypto
import Foundation

/// What `player.events.invalid` carries: an event the platform refused, why, and where.
///
/// JSON: `{"tenant_id":..,"source":"ingestion","received_at":..,"index":i,"errors":[..],
/// "payload_sha256":"<hex>","payload_bytes":N,"event":{..}}`.
/// `event` is the element exactly as the client sent it when it is well-formed JSON (ingestion
/// has checked the whole body); bytes that are not JSON (a poison Kafka message) travel as
/// `payload_base64` instead, so the record itself is always valid JSON.
///
/// The record is bounded whatever it is given (at most ``maximumBytes``), because a record over
/// Kafka's message limit (1 MB) cannot be written at all: the refused event would be lost, and a
/// request or batch waiting for its acknowledgement would fail for good. A payload over
/// ``embeddedPayloadLimit`` bytes is cut: the record then holds `"payload_truncated":true` and
/// the first ``embeddedPayloadLimit`` bytes as `payload_prefix_base64` (a cut JSON text is not
/// JSON, so it is never embedded as `event`). `payload_sha256` and `payload_bytes` always
/// describe the whole payload, so a truncated record can still be matched to what was sent.
public struct InvalidEventRecord: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        /// Well-formed JSON text, embedded as is.
        case json([UInt8])
        /// Anything else, embedded base64-encoded.
        case opaque([UInt8])

        public var bytes: [UInt8] {
            switch self {
            case .json(let bytes), .opaque(let bytes): bytes
            }
        }
    }

    /// Payloads up to this size are embedded whole; larger ones are cut to it. 64 KiB holds any
    /// valid event (properties are limited to 8 KiB) with room to spare.
    public static let embeddedPayloadLimit = 64 * 1024
    /// At most this many errors are written (then `errors_omitted` counts the rest).
    public static let maximumErrors = 64
    /// Tenant, source, field and reason texts are cut to this many UTF-8 bytes.
    public static let maximumTextBytes = 256
    /// No record is larger: the base64 prefix (87,384 bytes), 64 errors of two texts that
    /// escape to at most 6 bytes per byte (196,608 + framing), tenant and source (3,072) and
    /// the fixed keys. A third of Kafka's default 1 MB message limit.
    public static let maximumBytes = 300_000

    /// At most ``maximumTextBytes`` UTF-8 bytes; it is also the record's Kafka key.
    public var tenantID: String
    /// The service that refused it (`ingestion`, `processor`).
    public var source: String
    public var receivedAt: Date
    /// The event's position in its request's `events` array, when it came in a request.
    public var index: Int?
    public var errors: [FieldError]
    public var payload: Payload

    public init(tenantID: String, source: String, receivedAt: Date, index: Int?, errors: [FieldError], payload: Payload) {
        self.tenantID = Self.bounded(tenantID)
        self.source = source
        self.receivedAt = receivedAt
        self.index = index
        self.errors = errors
        self.payload = payload
    }

    public func jsonBytes() -> [UInt8] {
        let bytes = payload.bytes
        let truncated = bytes.count > Self.embeddedPayloadLimit
        var out: [UInt8] = []
        out.reserveCapacity(256 + min(errors.count, Self.maximumErrors) * 48 + min(bytes.count, Self.embeddedPayloadLimit) * 4 / 3)
        out.append(UInt8(ascii: "{"))
        JSONWriter.appendKey("tenant_id", to: &out)
        JSONWriter.appendString(Self.bounded(tenantID), to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("source", to: &out)
        JSONWriter.appendString(Self.bounded(source), to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("received_at", to: &out)
        out.append(UInt8(ascii: "\""))
        RFC3339.append(receivedAt, to: &out)
        out.append(UInt8(ascii: "\""))
        if let index {
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("index", to: &out)
            JSONWriter.appendInteger(Int64(index), to: &out)
        }
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("errors", to: &out)
        out.append(UInt8(ascii: "["))
        for (position, error) in errors.prefix(Self.maximumErrors).enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            JSONWriter.appendKey("field", to: &out)
            JSONWriter.appendString(Self.bounded(error.field), to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("reason", to: &out)
            JSONWriter.appendString(Self.bounded(error.reason), to: &out)
            if let detail = error.detail {
                out.append(UInt8(ascii: ","))
                JSONWriter.appendKey("detail", to: &out)
                JSONWriter.appendString(Self.bounded(detail), to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if errors.count > Self.maximumErrors {
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("errors_omitted", to: &out)
            JSONWriter.appendInteger(Int64(errors.count - Self.maximumErrors), to: &out)
        }
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("payload_sha256", to: &out)
        out.append(UInt8(ascii: "\""))
        for byte in SHA256.hash(data: bytes) { Hex.append(byte, to: &out) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("payload_bytes", to: &out)
        JSONWriter.appendInteger(Int64(bytes.count), to: &out)
        out.append(UInt8(ascii: ","))
        switch payload {
        case _ where truncated:
            JSONWriter.appendKey("payload_truncated", to: &out)
            out.append(contentsOf: "true,".utf8)
            JSONWriter.appendKey("payload_prefix_base64", to: &out)
            JSONWriter.appendString(Data(bytes.prefix(Self.embeddedPayloadLimit)).base64EncodedString(), to: &out)
        case .json(let bytes):
            JSONWriter.appendKey("event", to: &out)
            out.append(contentsOf: bytes)
        case .opaque(let bytes):
            JSONWriter.appendKey("payload_base64", to: &out)
            JSONWriter.appendString(Data(bytes).base64EncodedString(), to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `text` cut to at most ``maximumTextBytes`` UTF-8 bytes, on a scalar boundary.
    static func bounded(_ text: String) -> String {
        guard text.utf8.count > maximumTextBytes else { return text }
        var kept = String.UnicodeScalarView()
        var size = 0
        for scalar in text.unicodeScalars {
            size += UTF8.width(scalar)
            if size > maximumTextBytes { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
