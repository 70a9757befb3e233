import GraphQL

/// How much one GraphQL operation may ask for. Depth and complexity are measured on the parsed
/// operation (fragments expanded) before anything runs; ranges and points by the resolvers.
struct QueryLimits: Sendable, Equatable {
    /// `GM_ANALYTICS_MAX_DEPTH` (8): nested selection sets.
    var maxDepth: Int
    /// `GM_ANALYTICS_MAX_COMPLEXITY` (1000): see ``complexity(of:fragments:variables:)``.
    var maxComplexity: Int
    /// `GM_ANALYTICS_MAX_RANGE_DAYS` (400): the widest time range of any field.
    var maxRangeDays: Int
    /// `GM_ANALYTICS_MAX_POINTS` (5000): the most buckets one time series may have.
    var maxPoints: Int
    /// `GM_ANALYTICS_MAX_DOCUMENT_BYTES` (16384): the longest query text.
    var maxDocumentBytes: Int

    /// What a root field costs besides its selections: the reads behind it.
    static let rootFieldCost: [String: Int] = [
        "overview": 20, "timeSeries": 20, "topGames": 10, "retentionCohorts": 30, "player": 5, "pipelineHealth": 10,
        "liveMetrics": 5,
    ]
    /// A list field sized by `first` multiplies its selections by it (default when not given).
    static let defaultPageSize = 10

    /// The first limit `operation` breaks, as a message for the client; nil when it is within all.
    func problem(with operation: OperationDefinition, in document: Document, variables: [String: Map]) -> String? {
        let fragments = Self.fragments(of: document)
        let depth = Self.depth(of: operation.selectionSet, fragments: fragments, level: 1)
        if depth > maxDepth {
            return "the query is nested \(depth) levels deep; at most \(maxDepth) are allowed"
        }
        let cost = Self.complexity(of: operation.selectionSet, fragments: fragments, variables: variables, root: true)
        if cost > maxComplexity {
            return "the query's complexity is \(cost); at most \(maxComplexity) is allowed (each field costs 1, lists multiply by `first`, root fields add the cost of their reads)"
        }
        return nil
    }

    static func fragments(of document: Document) -> [String: FragmentDefinition] {
        var fragments: [String: FragmentDefinition] = [:]
        for case let fragment as FragmentDefinition in document.definitions {
            fragments[fragment.name.value] = fragment
        }
        return fragments
    }

    /// The deepest nesting of selection sets; fragments count where they are spread. Validation
    /// has refused fragment cycles before this runs; `level` stops a pathological one anyway.
    static func depth(of set: SelectionSet, fragments: [String: FragmentDefinition], level: Int) -> Int {
        guard level < 64 else { return level }
        var deepest = level
        for selection in set.selections {
            switch selection {
            case let field as Field:
                if let inner = field.selectionSet {
                    deepest = max(deepest, depth(of: inner, fragments: fragments, level: level + 1))
                }
            case let inline as InlineFragment:
                deepest = max(deepest, depth(of: inline.selectionSet, fragments: fragments, level: level))
            case let spread as FragmentSpread:
                if let fragment = fragments[spread.name.value] {
                    deepest = max(deepest, depth(of: fragment.selectionSet, fragments: fragments, level: level))
                }
            default:
                continue
            }
        }
        return deepest
    }

    /// Each field 1, plus its selections; times `first` for a paged field; root fields add
    /// ``rootFieldCost``. Aliases do not help: every occurrence counts.
    static func complexity(of set: SelectionSet, fragments: [String: FragmentDefinition], variables: [String: Map], root: Bool, guardDepth: Int = 0) -> Int {
        guard guardDepth < 64 else { return Int.max / 4 }
        var total = 0
        for selection in set.selections {
            switch selection {
            case let field as Field:
                var inner = field.selectionSet.map { complexity(of: $0, fragments: fragments, variables: variables, root: false, guardDepth: guardDepth + 1) } ?? 0
                if let first = field.arguments.first(where: { $0.name.value == "first" }) {
                    inner *= max(1, intValue(first.value, variables: variables) ?? defaultPageSize)
                }
                total = saturatingAdd(total, saturatingAdd(1 + (root ? rootFieldCost[field.name.value] ?? 0 : 0), inner))
            case let inline as InlineFragment:
                total = saturatingAdd(total, complexity(of: inline.selectionSet, fragments: fragments, variables: variables, root: root, guardDepth: guardDepth + 1))
            case let spread as FragmentSpread:
                if let fragment = fragments[spread.name.value] {
                    total = saturatingAdd(total, complexity(of: fragment.selectionSet, fragments: fragments, variables: variables, root: root, guardDepth: guardDepth + 1))
                }
            default:
                continue
            }
        }
        return total
    }

    private static func intValue(_ value: any Value, variables: [String: Map]) -> Int? {
        switch value {
        case let literal as IntValue: Int(literal.value)
        case let variable as Variable: variables[variable.name.value]?.int
        default: nil
        }
    }

    private static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max / 4 : min(sum, Int.max / 4)
    }
}
