import GameMetricsAuth
import Foundation

/// The allow-list of operations (persisted queries): SHA-256 of the query text (lowercase hex)
/// to the text. Clients may send the hash alone; with ``onlyListed`` nothing else runs.
struct PersistedQueries: Sendable {
    let queries: [String: String]
    let onlyListed: Bool

    /// Reads a JSON object `{"<sha256>": "<query>", ...}`; every key must be its query's hash.
    init(contentsOf url: URL, onlyListed: Bool) throws {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw AnalyticsError(.badArgument, "\(url.path) is not a JSON object of query hashes to query texts")
        }
        for (hash, query) in object where Self.hash(query) != hash {
            throw AnalyticsError(.badArgument, "\(url.path): \(hash) is not the SHA-256 of its query (\(Self.hash(query)))")
        }
        self.init(queries: object, onlyListed: onlyListed)
    }

    init(queries: [String: String], onlyListed: Bool) {
        self.queries = queries
        self.onlyListed = onlyListed
    }

    /// The query text to run for a request, or the reason it may not run.
    func query(text: String?, hash: String?) throws(AnalyticsError) -> String {
        switch (text, hash) {
        case (let text?, let hash?):
            guard Self.hash(text) == hash.lowercased() else {
                throw AnalyticsError(.badArgument, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query")
            }
            return try allowed(text)
        case (nil, let hash?):
            guard let text = queries[hash.lowercased()] else {
                throw AnalyticsError(.persistedQueryNotFound, "PersistedQueryNotFound: no operation is listed under \(String(hash.prefix(64)))")
            }
            return text
        case (let text?, nil):
            return try allowed(text)
        case (nil, nil):
            throw AnalyticsError(.badArgument, "the request has neither `query` nor extensions.persistedQuery")
        }
    }

    private func allowed(_ text: String) throws(AnalyticsError) -> String {
        guard !onlyListed || queries[Self.hash(text)] != nil else {
            throw AnalyticsError(.persistedQueryRequired, "only listed operations run here: send one of the persisted queries")
        }
        return text
    }

    static func hash(_ text: String) -> String {
        OpaqueToken.fingerprint(text)
    }
}
