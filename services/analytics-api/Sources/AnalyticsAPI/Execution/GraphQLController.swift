import Foundation
import GameMetricsHTTP
import GraphQL
import Hummingbird
import NIOCore

/// `POST /graphql` (queries; subscriptions go over WebSocket at the same path) and
/// `GET /graphql/schema.graphql` (the schema in SDL).
struct GraphQLController: Sendable {
    let executor: GraphQLExecutor
    let contexts: ContextFactory
    let responses: ResponseCache
    let sdl: String
    static let maxBodyBytes = 65_536

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("graphql", use: query)
        router.get("graphql/schema.graphql") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: sdl)))
        }
    }

    @Sendable func query(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity(.viewer)
        try JSONContentType.require(request.headers[.contentType])
        let bytes = try await request.body.collect(upTo: Self.maxBodyBytes)
        let slot: ResponseCache.Slot?
        switch await responses.lookup(identity: identity, body: bytes, now: Date()) {
        case .stored(let stored): return Self.json(.ok, encoded: stored)
        case .execute(let storage): slot = storage
        }
        defer { responses.release(slot) }
        let body: GraphQLRequestBody
        do {
            body = try JSONDecoder().decode(GraphQLRequestBody.self, from: Data(buffer: bytes))
        } catch {
            return Self.json(.badRequest, GraphQLResult(errors: [GraphQLError(message: "the body is not a GraphQL request: a JSON object with `query` (a string), `variables` (an object) and `operationName`", extensions: ["code": "BAD_REQUEST"])]))
        }
        let operation: GraphQLExecutor.Operation
        switch executor.prepare(body) {
        case .success(let prepared): operation = prepared
        case .failure(let errors): return Self.json(.badRequest, GraphQLResult(errors: errors.errors))
        }
        guard operation.definition.operation == .query else {
            return Self.json(
                .badRequest,
                GraphQLResult(errors: [GraphQLError(message: "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql", extensions: ["code": "BAD_REQUEST"])]))
        }
        var context = contexts.context(for: identity, operation: operation)
        if let slot {
            context = context.knowing(generation: slot.generation, of: identity.tenantID)
        }
        let result = await executor.execute(operation, context: context, rootValue: AnalyticsResolver())
        guard let encoded = try? GraphQLJSON.encoder.encode(result) else { return Self.json(.ok, encoded: Self.unencodable) }
        if let slot, result.errors.isEmpty, operation.isShareable {
            await responses.store(encoded, in: slot)
        }
        return Self.json(.ok, encoded: encoded)
    }

    static func json(_ status: HTTPResponse.Status, _ result: GraphQLResult) -> Response {
        json(status, encoded: (try? GraphQLJSON.encoder.encode(result)) ?? unencodable)
    }

    static func json(_ status: HTTPResponse.Status, encoded: some Sequence<UInt8>) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
    }

    static let unencodable = Data(#"{"errors":[{"message":"the answer could not be encoded"}]}"#.utf8)
}

enum GraphQLJSON {
    /// GraphQL results as JSON; dates are already text.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
