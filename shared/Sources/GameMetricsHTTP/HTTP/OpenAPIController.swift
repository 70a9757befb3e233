import Foundation
import Hummingbird

/// Serves a service's OpenAPI 3.1 document at `/openapi.json`. The document is kept in the
/// repository beside the service's code and shipped as a resource of its executable; the
/// service passes `Bundle.module.url(forResource: "openapi", withExtension: "json")`.
public struct OpenAPIController: Sendable {
    let document: ByteBuffer

    public init(resource url: URL?) throws {
        guard let url else { throw MissingDocument() }
        document = ByteBuffer(bytes: Array(try Data(contentsOf: url)))
    }

    /// The document of a service that serves only the platform endpoints so far
    /// (``PlatformOpenAPIDocument``); `purpose` says what the service is for.
    public init(platformEndpointsOf service: ServiceConfiguration, purpose: String) throws {
        let json = try PlatformOpenAPIDocument.json(service: service.name, purpose: purpose)
        document = ByteBuffer(bytes: Array(json))
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let document = self.document
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }

    struct MissingDocument: Error, CustomStringConvertible {
        var description: String { "openapi.json is missing from the service's resources" }
    }
}
