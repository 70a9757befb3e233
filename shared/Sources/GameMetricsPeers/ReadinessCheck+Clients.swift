import CurlHTTP
import Foundation
import GameMetricsHTTP
import HTTPTypes

extension ReadinessCheck {
    /// A peer service answers its liveness endpoint.
    public static func peer(_ name: String, baseURL: URL, client: HTTPClient) -> ReadinessCheck {
        ReadinessCheck(name) {
            let (response, _) = try await client.execute(
                HTTPRequest(method: .get, url: baseURL.appendingPathComponent("health/live")), timeout: .seconds(2))
            guard response.status == .ok else { throw PeerNotLive(name: name, status: response.status) }
        }
    }

    struct PeerNotLive: Error, CustomStringConvertible {
        let name: String
        let status: HTTPResponse.Status
        var description: String { "\(name) answered \(status)" }
    }
}
