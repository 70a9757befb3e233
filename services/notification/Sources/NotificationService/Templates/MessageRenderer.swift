import Foundation
import Mustache

/// Writes a notification's message from its template, the tenant's branding and the data: a
/// subject, a plain-text part and an HTML part. Mustache escapes every value in the HTML part;
/// the data cannot carry a template of its own (intake refuses `{{`), so nothing a caller sends
/// is ever evaluated.
struct MessageRenderer: Sendable {
    let library: MustacheLibrary

    struct Message: Sendable, Equatable {
        var subject: String
        var text: String
        var html: String
    }

    init(directory: URL) throws {
        var templates: [String: MustacheTemplate] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
        for template in NotificationTemplate.allCases {
            for part in ["subject", "text", "html"] where library.getTemplate(named: "\(template.rawValue).\(part)") == nil {
                throw MissingTemplate(name: "\(template.rawValue).\(part)")
            }
        }
    }

    static func bundled() throws -> MessageRenderer {
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil) else {
            throw MissingTemplate(name: "templates")
        }
        return try MessageRenderer(directory: directory)
    }

    struct MissingTemplate: Error, CustomStringConvertible {
        let name: String
        var description: String { "the message template \(name) is missing from the service's bundle" }
    }

    func render(_ template: NotificationTemplate, data: [String: String], brand: TenantSettings, unsubscribeURL: String?) -> Message {
        let context: [String: Any] = ["data": data]
        let subject = (library.render(context, withTemplate: "\(template.rawValue).subject") ?? "")
            .split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        let text = library.render(context, withTemplate: "\(template.rawValue).text") ?? ""
        let html = library.render(context, withTemplate: "\(template.rawValue).html") ?? ""
        var frame: [String: Any] = [
            "subject": subject, "brand": ["name": brand.brandName, "color": brand.brandColor, "footer": brand.brandFooter],
        ]
        if let unsubscribeURL { frame["unsubscribe_url"] = unsubscribeURL }
        frame["body"] = text
        let framedText = library.render(frame, withTemplate: "layout.text") ?? text
        frame["body"] = html
        let framedHTML = library.render(frame, withTemplate: "layout.html") ?? html
        return Message(subject: subject, text: framedText, html: framedHTML)
    }
}
