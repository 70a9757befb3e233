import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/settings`: the tenant's branding (name, colour, footer of its emails), its operators'
/// destinations (an address and a Slack endpoint) and the rules it turned off.
struct SettingsController {
    let directory: TenantDirectory

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/settings", use: show)
        router.put("/v1/settings", use: save)
    }

    struct Shown: ResponseEncodable {
        let settings: TenantSettings
        func encode(to encoder: any Encoder) throws { try settings.encode(to: encoder) }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Shown {
        let identity = try context.requireIdentity(.operator)
        return Shown(settings: try await directory.settings(tenantID: identity.tenantID))
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Shown {
        let identity = try context.requireIdentity(.admin)
        let settings = try await JSONBody.decode(TenantSettings.self, from: request, context: context)
        var errors: [FieldError] = []
        if settings.brandName.isEmpty || settings.brandName.count > 80 || settings.brandName.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            errors.append(FieldError(field: "brand_name", reason: "invalid", detail: "1 to 80 characters, no control characters"))
        }
        let hex = Set("0123456789abcdefABCDEF")
        if !(settings.brandColor.count == 7 && settings.brandColor.hasPrefix("#") && settings.brandColor.dropFirst().allSatisfy(hex.contains)) {
            errors.append(FieldError(field: "brand_color", reason: "invalid", detail: "#RRGGBB"))
        }
        if settings.brandFooter.count > 500 { errors.append(FieldError(field: "brand_footer", reason: "too_long")) }
        for (field, text) in [("brand_name", settings.brandName), ("brand_footer", settings.brandFooter)]
        where NotificationRequest.templateMarkers.contains(where: text.contains) {
            errors.append(FieldError(field: field, reason: "template_injection"))
        }
        if let email = settings.operatorEmail, !EmailAddress.isValid(email) {
            errors.append(FieldError(field: "operator_email", reason: "invalid_address"))
        }
        if let endpoint = settings.operatorEndpointID {
            if let id = UUID(uuidString: endpoint), let found = try await directory.endpoint(tenantID: identity.tenantID, id: id), found.endpoint.kind == .slack {
            } else {
                errors.append(FieldError(field: "operator_endpoint_id", reason: "unknown_endpoint", detail: "a Slack endpoint of this tenant"))
            }
        }
        guard errors.isEmpty else { throw APIError.badRequest("The settings are not valid.", code: "invalid_settings", details: errors) }
        try await directory.save(settings, tenantID: identity.tenantID)
        return Shown(settings: settings)
    }
}
