import Foundation

/// What `player.events.invalid` carries: an event the platform refused, why, and where.
///
/// JSON: `{"tenant_id":..,"source":"ingestion","received_at":..,"index":i,"errors":[..],"event":{..}}`.
/// `event` is the element exactly as the client sent it when it is well-formed JSON (ingestion
/// has checked the whole body); bytes that are not JSON (a poison Kafka message) travel as
/// `payload_base64` instead, so the record itself is always valid JSON.
public struct InvalidEventRecord: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        /// Well-formed JSON text, embedded as is.
        case json([UInt8])
        /// Anything else, embedded base64-encoded.
        case opaque([UInt8])
    }

    public var tenantID: String
    /// The service that refused it (`ingestion`, `processor`).
    public var source: String
    public var receivedAt: Date
    /// The event's position in its request's `events` array, when it came in a request.
    public var index: Int?
    public var errors: [FieldError]
    public var payload: Payload

    public init(tenantID: String, source: String, receivedAt: Date, index: Int?, errors: [FieldError], payload: Payload) {
        self.tenantID = tenantID
        self.source = source
        self.receivedAt = receivedAt
        self.index = index
        self.errors = errors
        self.payload = payload
    }

    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + errors.count * 40 + {
            switch payload {
            case .json(let bytes): bytes.count
            case .opaque(let bytes): bytes.count * 4 / 3 + 4
            }
        }())
        out.append(UInt8(ascii: "{"))
        JSONWriter.appendKey("tenant_id", to: &out)
        JSONWriter.appendString(tenantID, to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("source", to: &out)
        JSONWriter.appendString(source, to: &out)
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
        for (position, error) in errors.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            JSONWriter.appendKey("field", to: &out)
            JSONWriter.appendString(error.field, to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("reason", to: &out)
            JSONWriter.appendString(error.reason, to: &out)
            if let detail = error.detail {
                out.append(UInt8(ascii: ","))
                JSONWriter.appendKey("detail", to: &out)
                JSONWriter.appendString(detail, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        out.append(UInt8(ascii: ","))
        switch payload {
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
}
