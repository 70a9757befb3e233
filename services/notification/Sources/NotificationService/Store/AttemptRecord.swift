import Foundation

/// One attempt at delivering a notification, as the DLQ shows it.
struct AttemptRecord: Sendable, Equatable, Codable {
    var attempt: Int
    var replay: Int
    var startedAt: Date
    var finishedAt: Date
    var outcome: String
    var error: String?
    var statusCode: Int?

    enum CodingKeys: String, CodingKey {
        case attempt, replay, outcome, error
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case statusCode = "status_code"
    }
}

/// What an attempt came to, and so what happens to the notification next.
enum AttemptOutcome: Sendable, Equatable {
    case delivered(statusCode: Int?)
    /// Worth trying again, after at least `retryAfter` when the receiver said so.
    case transient(error: String, statusCode: Int?, retryAfter: Duration?)
    /// Never worth trying again (a 4xx, a refused address, a forbidden destination).
    case permanent(error: String, statusCode: Int?)

    var name: String {
        switch self {
        case .delivered: "delivered"
        case .transient: "transient"
        case .permanent: "permanent"
        }
    }

    var error: String? {
        switch self {
        case .delivered: nil
        case .transient(let error, _, _), .permanent(let error, _): error
        }
    }

    var statusCode: Int? {
        switch self {
        case .delivered(let code), .transient(_, let code, _), .permanent(_, let code): code
        }
    }
}
