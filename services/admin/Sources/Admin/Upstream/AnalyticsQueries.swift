import Foundation

/// GraphQL reads at analytics-api with the operator's token: a persisted operation and its
/// variables in, the typed `data` out.
struct AnalyticsQueries: Sendable {
    let calls: UpstreamCalls
    let baseURL: URL
    static let service = "analytics-api"

    private struct Body<Variables: Encodable>: Encodable {
        struct Extensions: Encodable {
            struct PersistedQuery: Encodable {
                let version = 1
                let sha256Hash: String
            }
            let persistedQuery: PersistedQuery
        }
        let variables: Variables
        let extensions: Extensions
    }

    private struct Answer<Data: Decodable>: Decodable {
        struct Problem: Decodable { let message: String }
        let data: Data?
        let errors: [Problem]?
    }

    func run<Variables: Encodable, Data: Decodable>(
        _ operation: DashboardOperation, _ variables: Variables, as type: Data.Type, for caller: OperatorCall
    ) async throws -> Data {
        let body = Body(variables: variables, extensions: .init(persistedQuery: .init(sha256Hash: operation.sha256)))
        let (status, bytes) = try await calls.send(
            .post, baseURL.appendingPathComponent("graphql"), service: Self.service, token: caller.token, json: Array(try JSONEncoder().encode(body)),
            trace: caller.trace)
        guard let answer = try? JSONDecoder().decode(Answer<Data>.self, from: Foundation.Data(bytes)) else {
            throw UpstreamError(service: Self.service, kind: .unavailable, message: "analytics-api answered \(status) without a GraphQL result")
        }
        if let problem = answer.errors?.first, answer.data == nil || status != 200 {
            throw UpstreamError(service: Self.service, kind: .refused(status: status), message: problem.message)
        }
        guard let data = answer.data else {
            throw UpstreamError(service: Self.service, kind: .unavailable, message: "analytics-api answered without data")
        }
        return data
    }
}
