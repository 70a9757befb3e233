import GraphQL
import Graphiti
import Logging
import Metrics
import Synchronization

/// Runs GraphQL operations: the query text (or its persisted hash), parsed and validated once
/// per distinct text, checked against the limits with the request's variables, then executed.
/// Errors reach the client as GraphQL errors with `extensions.code`; an error that is not the
/// client's (SQL, network) is logged and reported as `INTERNAL_SERVER_ERROR` without its text.
final class GraphQLExecutor: Sendable {
    /// A request ready to execute.
    struct Operation: @unchecked Sendable {
        var document: Document
        var definition: OperationDefinition
        var text: String
        var sha256: String
        var variables: [String: Map]
        var operationName: String?

        /// The names of the root fields it selects (fragments followed).
        var rootFields: [GraphQL.Field] {
            let fragments = QueryLimits.fragments(of: document)
            func fields(_ set: SelectionSet) -> [GraphQL.Field] {
                set.selections.flatMap { selection -> [GraphQL.Field] in
                    switch selection {
                    case let field as GraphQL.Field: [field]
                    case let inline as InlineFragment: fields(inline.selectionSet)
                    case let spread as FragmentSpread: fragments[spread.name.value].map { fields($0.selectionSet) } ?? []
                    default: []
                    }
                }
            }
            return fields(definition.selectionSet)
        }

        /// A query of aggregates only: its answer is the same for every caller of one tenant and
        /// role set, so ``ResponseCache`` may share it. Not a player's summary (erasure deletes
        /// those by the player's index) nor pipeline health (live lag, not retired by deltas).
        var isShareable: Bool {
            let fields = rootFields.map(\.name.value)
            return definition.operation == .query && !fields.isEmpty && fields.allSatisfy(Self.shareableFields.contains)
        }

        static let shareableFields: Set<String> = ["overview", "timeSeries", "topGames", "retentionCohorts"]
    }

    let schema: Schema<AnalyticsResolver, AnalyticsContext>
    let limits: QueryLimits
    let persisted: PersistedQueries
    let logger: Logger
    private let documents = Mutex<[String: Result<Document, GraphQLErrors>]>([:])
    static let documentCacheSize = 512

    init(schema: Schema<AnalyticsResolver, AnalyticsContext>, limits: QueryLimits, persisted: PersistedQueries, logger: Logger) {
        self.schema = schema
        self.limits = limits
        self.persisted = persisted
        self.logger = logger
    }

    /// The operation `body` asks for, or the errors that refuse it before anything runs.
    func prepare(_ body: GraphQLRequestBody) -> Result<Operation, GraphQLErrors> {
        let text: String
        do {
            text = try persisted.query(text: body.query, hash: body.extensions?.persistedQuery?.sha256Hash)
        } catch {
            return .failure(GraphQLErrors([Self.error(error)]))
        }
        guard text.utf8.count <= limits.maxDocumentBytes else {
            return .failure(GraphQLErrors([Self.error(AnalyticsError(.tooComplex, "the query is \(text.utf8.count) bytes long; at most \(limits.maxDocumentBytes) are allowed"))]))
        }
        let document: Document
        switch validated(text) {
        case .success(let parsed): document = parsed
        case .failure(let errors): return .failure(errors)
        }
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        let chosen: OperationDefinition?
        if let name = body.operationName {
            chosen = operations.first { $0.name?.value == name }
        } else {
            chosen = operations.count == 1 ? operations.first : nil
        }
        guard let definition = chosen else {
            let message = body.operationName.map { "the document has no operation named \(TimeWindow.quoted($0))" } ?? "the document has several operations: name one in `operationName`"
            return .failure(GraphQLErrors([Self.error(AnalyticsError(.badArgument, message))]))
        }
        let variables = body.variables ?? [:]
        if let problem = limits.problem(with: definition, in: document, variables: variables) {
            Self.refusedTooComplex.increment()
            return .failure(GraphQLErrors([Self.error(AnalyticsError(.tooComplex, problem))]))
        }
        return .success(
            Operation(
                document: document, definition: definition, text: text, sha256: PersistedQueries.hash(text), variables: variables,
                operationName: definition.name?.value))
    }

    /// Executes `operation` with `rootValue` as the root (the resolver for queries, the update for
    /// a subscription's event).
    func execute(_ operation: Operation, context: AnalyticsContext, rootValue: any Sendable) async -> GraphQLResult {
        var context = context
        context.memo = Memo()
        do {
            let result = try await GraphQL.execute(
                schema: schema.schema, documentAST: operation.document, rootValue: rootValue, context: context,
                variableValues: operation.variables, operationName: operation.operationName)
            return GraphQLResult(data: result.data, errors: result.errors.map(sanitized))
        } catch {
            return GraphQLResult(errors: [sanitized(GraphQLError(error))])
        }
    }

    /// Parses and validates `text`, once per distinct text (a bounded cache).
    private func validated(_ text: String) -> Result<Document, GraphQLErrors> {
        if let known = documents.withLock({ $0[text] }) { return known }
        let result: Result<Document, GraphQLErrors>
        do {
            let document = try parse(source: Source(body: text, name: "GraphQL request"))
            let errors = validate(schema: schema.schema, ast: document, rules: specifiedRules)
            result = errors.isEmpty ? .success(document) : .failure(GraphQLErrors(errors.map { Self.coded($0, "GRAPHQL_VALIDATION_FAILED") }))
        } catch let error as GraphQLError {
            result = .failure(GraphQLErrors([Self.coded(error, "GRAPHQL_PARSE_FAILED")]))
        } catch {
            result = .failure(GraphQLErrors([GraphQLError(message: "the query could not be parsed", extensions: ["code": "GRAPHQL_PARSE_FAILED"])]))
        }
        documents.withLock { documents in
            if documents.count >= Self.documentCacheSize { documents.removeAll(keepingCapacity: true) }
            documents[text] = result
        }
        return result
    }

    /// The client's own errors keep their message and get their code; anything else is logged.
    private func sanitized(_ error: GraphQLError) -> GraphQLError {
        if let analytics = error.originalError as? AnalyticsError {
            return GraphQLError(message: analytics.message, locations: error.locations, path: error.path, extensions: ["code": .string(analytics.code.rawValue)])
        }
        if error.originalError == nil || error.originalError is GraphQLError {
            // GraphQL's own: argument coercion, non-null violations. Safe to show.
            return error.extensions["code"] == nil ? Self.coded(error, "BAD_USER_INPUT") : error
        }
        Self.internalErrors.increment()
        logger.error("GraphQL field failed", metadata: ["path": "\(error.path)", "error": "\(String(reflecting: error.originalError!))"])
        return GraphQLError(message: "internal error; the service log has the details", locations: error.locations, path: error.path, extensions: ["code": "INTERNAL_SERVER_ERROR"])
    }

    static func error(_ error: AnalyticsError) -> GraphQLError {
        GraphQLError(message: error.message, extensions: ["code": .string(error.code.rawValue)])
    }

    static func coded(_ error: GraphQLError, _ code: String) -> GraphQLError {
        GraphQLError(message: error.message, locations: error.locations, path: error.path, extensions: ["code": .string(code)])
    }

    static let refusedTooComplex = Counter(label: "gm_analytics_graphql_refused_total", dimensions: [("reason", "limits")])
    static let internalErrors = Counter(label: "gm_analytics_graphql_internal_errors_total")
}
