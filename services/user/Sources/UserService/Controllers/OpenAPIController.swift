import Foundation
import Hummingbird

/// Serves the service's OpenAPI 3.1 document, kept in the repository beside the code
/// (`openapi.json`) and shipped as a resource of the executable.
struct OpenAPIController {
    let document: ByteBuffer

    init() throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw MissingDocument()
        }
        document = ByteBuffer(bytes: Array(try Data(contentsOf: url)))
    }

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let document = self.document
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }

    struct MissingDocument: Error, CustomStringConvertible {
        var description: String { "openapi.json is missing from the service's resources" }
    }
}
