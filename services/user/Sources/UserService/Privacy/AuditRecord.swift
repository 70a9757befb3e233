import GameMetricsHTTP
import GameMetricsKit

/// A record another platform service asks to append to the audit log (`POST /v1/audit/records`),
/// read from the request body and checked field by field. Every rule here is stated in the
/// OpenAPI document; lengths count Unicode code points, as JSON Schema's `maxLength` and
/// PostgreSQL's `char_length` do.
struct AuditRecord: Equatable, Sendable {
    /// The tenant the recorded action concerned (it may no longer exist).
    var tenantID: String
    var actor: String
    var action: String
    var subject: String
    /// As sent (without `recorded_by`, which a caller may not send); empty when none was sent.
    var payload: [String: JSONValue]

    /// The largest body the route reads; a larger one answers 413 before it is parsed.
    static let maximumBodyBytes = 16 * 1024
    /// The largest `payload`, as compact JSON (no whitespace, keys sorted), before the server
    /// adds `recorded_by`.
    static let maximumPayloadBytes = 8 * 1024
    /// The longest `actor` and `subject`, in code points.
    static let maximumTextLength = 200
    /// The key the server adds to the stored payload: the client id (or subject) of the caller.
    static let recordedByKey = "recorded_by"
    static let fields: Set<String> = ["tenant_id", "actor", "action", "subject", "payload"]

    /// The stored payload: the one sent plus `recorded_by`.
    func storedPayload(recordedBy caller: String) -> JSONValue {
        var members = payload
        members[Self.recordedByKey] = .string(caller)
        return .object(members)
    }

    /// Parses and checks a body: 400 `bad_request` when it is not a JSON object, 400
    /// `invalid_character` naming the field when any key or string holds U+0000 (as for every
    /// body of the platform), and otherwise 400 `invalid_audit_record` with every field's problem
    /// (`unknown_field`, `required`, `invalid_type`, `invalid_format`, `invalid_length`,
    /// `invalid_character`, `reserved`, `invalid_number`, `too_large`).
    static func parse(_ bytes: [UInt8]) throws(APIError) -> AuditRecord {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes)
        } catch {
            throw APIError.badRequest("The body is not valid JSON.", code: "bad_request")
        }
        guard case .object(let members) = document else {
            throw APIError.badRequest("The body must be a JSON object.", code: "bad_request")
        }
        if let path = pathHoldingNUL(document, []) {
            throw APIError.badRequest(
                "Text must not contain U+0000.", code: "invalid_character",
                details: [FieldError(field: path.joined(separator: "."), reason: "invalid_character")])
        }

        var problems: [FieldError] = members.keys.filter { !fields.contains($0) }.sorted()
            .map { FieldError(field: $0, reason: "unknown_field") }
        func text(_ field: String, _ check: (String) -> String?) -> String {
            switch members[field] {
            case .string(let value):
                if let reason = check(value) { problems.append(FieldError(field: field, reason: reason)) }
                return value
            case nil, .null:
                problems.append(FieldError(field: field, reason: "required"))
            default:
                problems.append(FieldError(field: field, reason: "invalid_type"))
            }
            return ""
        }
        let tenantID = text("tenant_id") { isTenantID($0) ? nil : "invalid_format" }
        let actor = text("actor", textProblem)
        let action = text("action") { isAction($0) ? nil : "invalid_format" }
        let subject = text("subject", textProblem)
        var payload: [String: JSONValue] = [:]
        switch members["payload"] {
        case nil, .null:
            break
        case .object(let object):
            payload = object
            if object[recordedByKey] != nil {
                problems.append(FieldError(field: "payload.\(recordedByKey)", reason: "reserved"))
            }
            if let path = nonFiniteNumber(.object(object), ["payload"]) {
                problems.append(FieldError(field: path.joined(separator: "."), reason: "invalid_number"))
            }
            if JSONValue.object(object).jsonBytes.count > maximumPayloadBytes {
                problems.append(FieldError(field: "payload", reason: "too_large"))
            }
        default:
            problems.append(FieldError(field: "payload", reason: "invalid_type"))
        }
        guard problems.isEmpty else {
            throw APIError.badRequest("The audit record is not valid.", code: "invalid_audit_record", details: problems)
        }
        return AuditRecord(tenantID: tenantID, actor: actor, action: action, subject: subject, payload: payload)
    }

    /// `^[a-z0-9][a-z0-9-]{1,62}$`, the rule of tenant ids everywhere in the service.
    static func isTenantID(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (2...63).contains(scalars.count), isLowerAlphanumeric(scalars[0]) else { return false }
        return scalars.dropFirst().allSatisfy { isLowerAlphanumeric($0) || $0 == "-" }
    }

    /// `^[a-z][a-z0-9_.-]{0,63}$`: dotted names such as `analytics.cross_tenant_query`.
    static func isAction(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...64).contains(scalars.count), ("a"..."z").contains(scalars[0]) else { return false }
        return scalars.dropFirst().allSatisfy { isLowerAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    /// `invalid_character` (the controls ``InputRules`` refuses in names) or `invalid_length`
    /// (0 or more than ``maximumTextLength`` code points); nil when fine.
    static func textProblem(_ text: String) -> String? {
        if InputRules.containsControlCharacter(text) { return "invalid_character" }
        if text.isEmpty || text.unicodeScalars.count > maximumTextLength { return "invalid_length" }
        return nil
    }

    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The path of the first key or string (keys in sorted order) that holds U+0000.
    private static func pathHoldingNUL(_ value: JSONValue, _ path: [String]) -> [String]? {
        switch value {
        case .string(let text):
            return text.unicodeScalars.contains("\u{0}") ? path : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = pathHoldingNUL(item, path + [String(index)]) { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if key.unicodeScalars.contains("\u{0}") { return path + [key] }
                if let found = pathHoldingNUL(members[key]!, path + [key]) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// The path of the first number (keys in sorted order) outside the range of a double
    /// (such as `1e400`): JSON's interoperable range (RFC 8259 §6).
    private static func nonFiniteNumber(_ value: JSONValue, _ path: [String]) -> [String]? {
        switch value {
        case .number(let text):
            return Double(text)?.isFinite == true ? nil : path
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = nonFiniteNumber(item, path + [String(index)]) { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = nonFiniteNumber(members[key]!, path + [key]) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
