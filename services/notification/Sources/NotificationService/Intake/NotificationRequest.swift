import Crypto
import Foundation
import GameMetricsKit

/// A request for a notification as callers send it (the body of `POST /v1/notifications`; a
/// `notifications.requested` record adds `tenant_id` and `idempotency_key`).
struct NotificationRequest: Decodable, Sendable {
    var channel: String?
    var to: Recipient
    var template: String
    var data: [String: DataValue]?

    struct Recipient: Decodable, Sendable {
        var playerID: String?
        var email: String?
        var endpointID: String?
        var operators: Bool?

        enum CodingKeys: String, CodingKey {
            case email, operators
            case playerID = "player_id"
            case endpointID = "endpoint_id"
        }
    }

    /// A template variable: text, a number or a boolean, kept as text.
    struct DataValue: Decodable, Sendable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else if let number = try? container.decode(Int64.self) {
                text = String(number)
            } else if let number = try? container.decode(Double.self) {
                text = String(number)
            } else if let flag = try? container.decode(Bool.self) {
                text = String(flag)
            } else {
                throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "must be text, a number or a boolean"))
            }
        }
    }
}

/// A request that passed every rule: what intake queues.
struct ValidatedRequest: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        /// A player, by the address and wishes the service holds for them.
        case player(String)
        /// An operator's address, given in the request.
        case address(String)
        /// A tenant's registered webhook or Slack endpoint, optionally about a player.
        case endpoint(UUID, player: String?)
        /// The tenant's operators: their email address and Slack endpoint from the settings.
        case operators
    }

    var channel: Channel?
    var target: Target
    var template: NotificationTemplate
    var data: [String: String]

    /// SHA-256 over the request's canonical JSON: equal requests hash equally.
    var hash: [UInt8] {
        var canonical = [channel?.rawValue ?? "", template.rawValue, "\(target)"]
        canonical.append(String(decoding: (try? JSONEncoder.sorted.encode(data)) ?? Data(), as: UTF8.self))
        return Array(SHA256.hash(data: Data(canonical.joined(separator: "\u{0}").utf8)))
    }
}

extension NotificationRequest {
    static let maximumDataKeys = 20
    static let maximumValueLength = 1_000
    /// Text that would start a template (Mustache, Jinja, ERB, shell or JS interpolation) in a
    /// renderer less careful than ours: refused, so data never reaches anyone as a template.
    static let templateMarkers = ["{{", "}}", "{%", "%}", "${", "<%", "%>", "#{"]

    /// The request checked against every rule; the errors name each field that breaks one.
    func validated() -> Result<ValidatedRequest, InvalidRequest> {
        var errors: [FieldError] = []
        var channel: Channel?
        if let name = self.channel {
            channel = Channel(rawValue: name)
            if channel == nil { errors.append(FieldError(field: "channel", reason: "unknown_channel", detail: "one of email, webhook, slack")) }
        }
        guard let template = NotificationTemplate(rawValue: template) else {
            errors.append(
                FieldError(field: "template", reason: "unknown_template", detail: NotificationTemplate.allCases.map(\.rawValue).joined(separator: ", ")))
            return .failure(InvalidRequest(code: errors.first?.reason ?? "invalid_request", errors: errors))
        }
        var values: [String: String] = [:]
        let (required, optional) = template.variables
        for (key, value) in data ?? [:] {
            if !required.contains(key) && !optional.contains(key) {
                errors.append(FieldError(field: "data.\(key)", reason: "unknown_variable"))
            } else if value.text.count > Self.maximumValueLength {
                errors.append(FieldError(field: "data.\(key)", reason: "too_long"))
            } else if value.text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) {
                errors.append(FieldError(field: "data.\(key)", reason: "invalid_character"))
            } else if Self.templateMarkers.contains(where: value.text.contains) {
                errors.append(FieldError(field: "data.\(key)", reason: "template_injection"))
            } else {
                values[key] = value.text
            }
        }
        if (data?.count ?? 0) > Self.maximumDataKeys { errors.append(FieldError(field: "data", reason: "too_many_variables")) }
        for key in required.sorted() where data?[key] == nil {
            errors.append(FieldError(field: "data.\(key)", reason: "missing"))
        }
        let target = validatedTarget(channel: channel, template: template, errors: &errors)
        guard errors.isEmpty, let target else {
            let code = Self.code(for: errors)
            return .failure(InvalidRequest(code: code, errors: errors))
        }
        return .success(ValidatedRequest(channel: channel, target: target, template: template, data: values))
    }

    private func validatedTarget(channel: Channel?, template: NotificationTemplate, errors: inout [FieldError]) -> ValidatedRequest.Target? {
        let given = [to.playerID != nil, to.email != nil, to.endpointID != nil, to.operators == true]
        if let player = to.playerID, PlayerIdentifier.validate(player, field: "to.player_id") != nil {
            errors.append(FieldError(field: "to.player_id", reason: "invalid"))
            return nil
        }
        if to.operators == true {
            guard given.filter({ $0 }).count == 1 else {
                errors.append(FieldError(field: "to", reason: "operators_exclusive"))
                return nil
            }
            guard template.audience == .operator else {
                errors.append(FieldError(field: "template", reason: "not_for_operators"))
                return nil
            }
            guard channel == nil || channel == .email || channel == .slack else {
                errors.append(FieldError(field: "channel", reason: "not_for_operators"))
                return nil
            }
            return .operators
        }
        if template.audience == .player && to.playerID == nil {
            errors.append(FieldError(field: "to.player_id", reason: "missing", detail: "a player's template needs to.player_id"))
            return nil
        }
        if template.audience == .operator && to.playerID != nil {
            errors.append(FieldError(field: "to.player_id", reason: "not_for_operators"))
            return nil
        }
        switch channel {
        case .email?:
            if let email = to.email {
                guard EmailAddress.isValid(email) else {
                    errors.append(FieldError(field: "to.email", reason: "invalid_address"))
                    return nil
                }
                guard template.audience == .operator else {
                    errors.append(FieldError(field: "to.email", reason: "players_by_id", detail: "a player is addressed by to.player_id"))
                    return nil
                }
                return .address(email)
            }
            guard let player = to.playerID, to.endpointID == nil else {
                errors.append(FieldError(field: "to", reason: "missing", detail: "email needs to.player_id or to.email"))
                return nil
            }
            return .player(player)
        case .webhook?, .slack?:
            guard to.email == nil else {
                errors.append(FieldError(field: "to.email", reason: "not_for_channel"))
                return nil
            }
            guard let text = to.endpointID, let id = UUID(uuidString: text) else {
                errors.append(FieldError(field: "to.endpoint_id", reason: to.endpointID == nil ? "missing" : "invalid"))
                return nil
            }
            return .endpoint(id, player: to.playerID)
        case nil:
            if errors.isEmpty { errors.append(FieldError(field: "channel", reason: "missing")) }
            return nil
        }
    }

    private static func code(for errors: [FieldError]) -> String {
        for reason in ["unknown_channel", "template_injection", "invalid_address", "unknown_template"] where errors.contains(where: { $0.reason == reason }) {
            return reason
        }
        return "invalid_request"
    }
}

/// Why a request was refused: a code for the whole, and each field at fault.
struct InvalidRequest: Error, Sendable, CustomStringConvertible {
    var code: String
    var errors: [FieldError]

    var description: String { "\(code): " + errors.map(\.description).joined(separator: "; ") }
}
