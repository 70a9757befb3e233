import GraphQL

/// A GraphQL request as POSTed (or sent in a `subscribe` message): `query`, `variables`,
/// `operationName`, and a persisted query's hash under `extensions.persistedQuery.sha256Hash`.
struct GraphQLRequestBody: Decodable, Sendable {
    var query: String?
    var variables: [String: Map]?
    var operationName: String?
    var extensions: Extensions?

    struct Extensions: Decodable, Sendable {
        var persistedQuery: PersistedQuery?
    }

    struct PersistedQuery: Decodable, Sendable {
        var version: Int
        var sha256Hash: String
    }
}
