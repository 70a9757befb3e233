import CurlHTTP
import Foundation
import GameMetricsHTTP

extension ReadinessCheck {
    /// A peer service answers its liveness endpoint.
    public static func peer(_ name: String, baseURL: URL, client: HTTPClient) -> ReadinessCheck {
        ReadinessCheck(name) {
            let response = try await client.execute(HTTPClientRequest(
                method: .get, url: baseURL.appendingPathComponent("health/live").absoluteString, timeout: .seconds(2)))
            guard response.status == 200 else { throw PeerNotLive(name: name, status: response.status) }
        }
    }

    struct PeerNotLive: Error, CustomStringConvertible {
        let name: String
        let status: Int
        var description: String { "\(name) answered \(status)" }
    }
}
