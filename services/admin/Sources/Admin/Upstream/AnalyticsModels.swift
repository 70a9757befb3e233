/// The parts of analytics-api's answers the console shows (its schema.graphql).
struct RangeVariables: Encodable, Sendable {
    let from: String
    let to: String
}

struct TopGamesVariables: Encodable, Sendable {
    let by: String
    let from: String
    let to: String
    let first: Int
}

struct SeriesVariables: Encodable, Sendable {
    let metric: String
    let grain: String
    let from: String
    let to: String
    let timeZone: String
}

struct CurrencyTotals: Codable, Sendable {
    let currency: String
    let bets: Double
    let wins: Double
    let netGamingRevenue: Double
    let deposits: Double
    let withdrawals: Double
}

struct OverviewAnswer: Decodable, Sendable {
    struct Overview: Decodable, Sendable {
        let events: Double
        let activePlayers: Double
        let sessions: Double
        let averageSessionSeconds: Double?
        let currencies: [CurrencyTotals]
    }
    let overview: Overview
}

struct TopGamesAnswer: Decodable, Sendable {
    struct Connection: Decodable, Sendable {
        struct Edge: Decodable, Sendable { let node: GameStats }
        let totalCount: Int
        let edges: [Edge]
    }
    let topGames: Connection
}

struct GameStats: Codable, Sendable {
    let gameId: String
    let players: Double
    let rounds: Double
    let revenue: Double
}

struct SeriesAnswer: Decodable, Sendable {
    struct Series: Decodable, Sendable {
        struct Point: Codable, Sendable {
            let bucket: String
            let value: Double
        }
        let timeZone: String
        let points: [Point]
    }
    let timeSeries: Series
}

struct PipelineAnswer: Decodable, Sendable {
    struct Health: Decodable, Sendable {
        struct Invalid: Decodable, Sendable {
            let source: String
            let reason: String
            let events: Double
        }
        struct Lag: Decodable, Sendable {
            struct Partition: Decodable, Sendable {
                let partition: Int
                let committedOffset: Double?
                let highWatermark: Double
                let lag: Double
            }
            let group: String
            let topic: String
            let totalLag: Double
            let partitions: [Partition]
        }
        let invalidEventsTotal: Double
        let invalidEvents: [Invalid]
        let consumerLag: Lag?
        let deadLetterQueueDepth: Double?
    }
    let pipelineHealth: Health
}
