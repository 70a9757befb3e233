import Foundation
import Testing

@testable import NotificationService

@Suite("Messages are written from fixed templates: data is escaped, never evaluated")
struct MessageCompositionTests {
    let renderer: MessageRenderer

    init() throws {
        renderer = try MessageRenderer.bundled()
    }

    @Test("every template renders a subject, a text part and an HTML part with the tenant's branding")
    func everyTemplateRenders() {
        let brand = TenantSettings(
            brandName: "Lucky", brandColor: "#123456", brandFooter: "Footer", operatorEmail: nil, operatorEndpointID: nil, disabledRules: [])
        for template in NotificationTemplate.allCases {
            var data: [String: String] = [:]
            for name in template.variables.required { data[name] = "value-\(name)" }
            let message = renderer.render(template, data: data, brand: brand, unsubscribeURL: "https://n.example/v1/unsubscribe?token=t")
            #expect(!message.subject.isEmpty && !message.subject.contains("\n"), "\(template)")
            #expect(message.text.contains("Lucky") && message.text.contains("Footer"), "\(template)")
            #expect(message.html.contains("#123456") && message.html.contains("Unsubscribe"), "\(template)")
            for name in template.variables.required where template != .alert || name != "status" {
                #expect(message.text.contains("value-\(name)") || message.subject.contains("value-\(name)"), "\(template) \(name)")
            }
        }
    }

    @Test("markup in data is escaped in the HTML part and kept as text in the plain part")
    func markupIsEscaped() {
        let brand = TenantSettings.defaults(tenantID: "t")
        let message = renderer.render(
            .operatorMessage, data: ["title": "<img src=x onerror=alert(1)>", "message": "<script>alert(1)</script>"], brand: brand, unsubscribeURL: nil)
        #expect(!message.html.contains("<script>"))
        #expect(message.html.contains("&lt;script&gt;"))
        #expect(message.text.contains("<script>alert(1)</script>"))
    }

    @Test("a request whose data would be a template anywhere is refused before it is queued")
    func injectionIsRefused() throws {
        for payload in ["{{7*7}}", "${7*7}", "<%= 7*7 %>", "{% if %}", "#{7*7}"] {
            let request = try JSONDecoder().decode(
                NotificationRequest.self,
                from: Data(#"{"channel":"email","to":{"email":"a@example.org"},"template":"operator_message","data":{"title":"t","message":"\#(payload)"}}"#.utf8))
            guard case .failure(let invalid) = request.validated() else {
                Issue.record("\(payload) was accepted")
                continue
            }
            #expect(invalid.code == "template_injection")
        }
    }

    @Test("an email's headers come from validated values only, and its Message-ID from the notification")
    func emailHeaders() {
        let composer = EmailComposer(fromAddress: "no-reply@n.example", messageIDDomain: "n.example")
        let bytes = composer.compose(
            messageID: "msg_1", senderName: "Caf\u{e9} \"Royal\"", to: "p@example.org",
            message: .init(subject: "Gr\u{fc}\u{df}e\r\nBcc: x@y.z", text: "t", html: "<p>h</p>"), unsubscribeURL: nil)
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.contains("Message-ID: <msg_1@n.example>"))
        #expect(!head.contains("Bcc:"))
        #expect(head.contains("Subject: =?UTF-8?B?"))
        #expect(head.contains("From: =?UTF-8?B?"))
        #expect(!head.contains("List-Unsubscribe"))
    }
}
