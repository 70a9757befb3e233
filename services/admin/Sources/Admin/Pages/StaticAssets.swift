import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import NIOCore

/// `GET /static/<file>`: the console's own stylesheet and scripts (bundled) and the charting
/// library from Debian's `libjs-chart.js` (under `GM_ADMIN_VENDOR_DIR`), all read once at start:
/// a fixed set of files, so no request path ever reaches the file system.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    let assets: [String: Asset]
    /// The charting library's path under /static/.
    static let chartLibrary = "vendor/chart.js/chart.min.js"

    init(vendorDirectory: String) throws {
        var assets: [String: Asset] = [:]
        guard let bundled = Bundle.module.url(forResource: "static", withExtension: nil) else {
            throw ConfigurationError(variable: "GM_ADMIN_VENDOR_DIR", problem: "(the console's bundled static files are missing)")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: bundled.path) {
            let data = try Data(contentsOf: bundled.appendingPathComponent(file))
            assets[file] = Asset(bytes: ByteBuffer(bytes: data), contentType: Self.contentType(of: file))
        }
        let chart = URL(fileURLWithPath: vendorDirectory).appendingPathComponent("chart.js/chart.min.js")
        guard let library = try? Data(contentsOf: chart) else {
            throw ConfigurationError(
                variable: "GM_ADMIN_VENDOR_DIR", problem: "has no chart.js/chart.min.js (install Debian's libjs-chart.js, or point it at its files)")
        }
        assets[Self.chartLibrary] = Asset(bytes: ByteBuffer(bytes: library), contentType: "text/javascript; charset=utf-8")
        self.assets = assets
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("static/**") { request, context -> Response in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard let asset = assets[path] else { throw HTTPError(.notFound) }
            var headers = PageRenderer.securityHeaders
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "public, max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
        }
    }

    static func contentType(of file: String) -> String {
        if file.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if file.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if file.hasSuffix(".svg") { return "image/svg+xml" }
        return "application/octet-stream"
    }
}
