/// The body of ingestion's 202: `{"accepted":N,"rejected":[{"index":i,"errors":[{"field":f,"reason":r}]}]}`.
struct IngestionResponse: Decodable, Sendable {
    struct Rejection: Decodable, Sendable {
        struct FieldProblem: Decodable, Sendable {
            var field: String
            var reason: String
        }

        var index: Int
        var errors: [FieldProblem]
    }

    var accepted: Int
    var rejected: [Rejection]

    enum CodingKeys: String, CodingKey {
        case accepted
        case rejected
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accepted = try container.decode(Int.self, forKey: .accepted)
        rejected = try container.decodeIfPresent([Rejection].self, forKey: .rejected) ?? []
    }
}
