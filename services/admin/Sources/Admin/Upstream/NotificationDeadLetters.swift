import Foundation
import HTTPTypes

/// The notification service's dead letters of the operator's tenant (`GET /v1/dead-letters`,
/// role operator), for the pipeline page's dead-letter queue.
struct NotificationDeadLetters: Sendable {
    let calls: UpstreamCalls
    let baseURL: URL
    static let service = "notification"
    /// The most the page counts; more shows as "200 or more".
    static let pageSize = 200

    /// How many dead notifications the tenant has, up to ``pageSize``.
    func count(as caller: OperatorCall) async throws -> Int {
        struct Page: Decodable {
            struct Letter: Decodable { let notificationId: String }
            let deadLetters: [Letter]
        }
        var components = URLComponents(url: baseURL.appendingPathComponent("v1/dead-letters"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "limit", value: String(Self.pageSize))]
        let (status, body) = try await calls.send(.get, components.url!, service: Self.service, token: caller.token, trace: caller.trace)
        if status == 403 {
            throw UpstreamError(service: Self.service, kind: .refused(status: status), message: "the dead letters need the operator role")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard status == 200, let page = try? decoder.decode(Page.self, from: Data(body)) else {
            throw UpstreamError(service: Self.service, kind: .refused(status: status), message: "the notification service answered \(status)")
        }
        return page.deadLetters.count
    }
}
