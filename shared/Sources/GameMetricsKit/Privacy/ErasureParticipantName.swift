/// Every service that holds player data, and so takes part in every GDPR erasure: the one list
/// of participants. The user service's coordinator completes a request once each of these has
/// published `erasure.completed`; each of them runs an `ErasureParticipant` under its name.
///
/// A service that starts holding player data adds its case here (one line), runs an
/// `ErasureParticipant` with its erase function, and from then on every new request waits for it.
/// Requests made before keep the list they were made with.
public enum ErasureParticipantName: String, CaseIterable, Sendable, Codable {
    case user
    case processor
    /// Holds no player events, only cached answers about players (Redis): it drops them.
    case analyticsAPI = "analytics-api"
    /// Holds players' contact addresses, preferences and notification history.
    case notification
    /// Holds players' events in the S3 archive and in restore tables.
    case retention
    /// Holds players' taste vectors, their recent plays and cached recommendations.
    case recommendation

    /// The names as they appear in `erasure.completed` (`service`) and in a request's status.
    public static var all: [String] { allCases.map(\.rawValue) }
}
