import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the console's pages: the Mustache templates bundled with the service, each page
/// inside `layout` (header, navigation, main). Mustache escapes every value it inserts, so text
/// from other services (player names, error messages) cannot become markup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// Loads every `*.mustache` file of `directory`, named by the file name without extension.
    init(directory: URL) throws {
        var templates: [String: MustacheTemplate] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
    }

    static func bundled() throws -> PageRenderer {
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil) else {
            throw ConsolePageError.unavailable("the page templates are missing from the service's bundle")
        }
        return try PageRenderer(directory: directory)
    }

    /// The page `template` for `frame` and `content`, as an HTML response.
    func page(_ template: String, frame: PageFrame, content: some Any, status: HTTPResponse.Status = .ok) -> Response {
        Self.html(render(template, frame: frame, content: content), status: status)
    }

    func render(_ template: String, frame: PageFrame, content: some Any) -> String {
        library.render(RenderedPage(frame: frame, content: content), withTemplate: template) ?? "template \(template) is missing"
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Scripts and styles from this origin only, no framing, no caching of pages that show
    /// tenant data, and forms that post nowhere else.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]
}

/// What every template sees: the frame (title, navigation, operator) and the page's own data.
struct RenderedPage<Content> {
    let frame: PageFrame
    let content: Content
}
