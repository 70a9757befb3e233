import Foundation
import GameMetricsKafka
import GameMetricsKit
import Kafka
import Logging
import ServiceLifecycle

/// Queues notifications from one topic: `notifications.requested` (what other services ask for),
/// or a rule's source topic (player events, recommendations). Offsets are committed only after
/// the batch's notifications are in the queue (PostgreSQL), and the idempotency keys make a
/// redelivered record queue nothing new. A record that is not a valid request goes to
/// `notifications.dlq` with its reason and is committed; a record that is not the rule's to
/// handle (another event type) is passed over.
final class TopicIntake: Service {
    /// What one record asks for.
    struct Ask: Sendable {
        var tenantID: String
        var key: String
        var request: ValidatedRequest
        var rule: NotificationRule?
    }

    let loop: ConsumerLoop
    private let intake: Intake
    private let deadLetters: DeadLetterQueue
    private let source: String
    private let decode: @Sendable (KafkaConsumerMessage) throws -> Ask?
    private let prepare: @Sendable () async throws -> Void

    init(
        loop: ConsumerLoop, intake: Intake, deadLetters: DeadLetterQueue, source: String, prepare: @escaping @Sendable () async throws -> Void,
        decode: @escaping @Sendable (KafkaConsumerMessage) throws -> Ask?
    ) {
        self.loop = loop
        self.intake = intake
        self.deadLetters = deadLetters
        self.source = source
        self.prepare = prepare
        self.decode = decode
    }

    func run() async throws {
        try await loop.runRecordByRecord(prepare: prepare, deadLetters: deadLetters, decode: decode) { ask, record in
            await self.loop.handling("queue the notification of \(record.topic)/\(record.partition)@\(record.offset)") {
                _ = try await self.intake.submit(
                    ask.request, tenantID: ask.tenantID, key: ask.key, source: self.source, rule: ask.rule,
                    traceparent: record.traceParent?.child().description)
            }
        }
    }
}

/// The record formats of the topics the service reads.
enum TopicRecords {
    /// A `notifications.requested` record: the API's body plus `tenant_id` and `idempotency_key`.
    struct Requested: Decodable {
        var tenantID: String
        var idempotencyKey: String
        var request: NotificationRequest

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case idempotencyKey = "idempotency_key"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tenantID = try container.decode(String.self, forKey: .tenantID)
            idempotencyKey = try container.decode(String.self, forKey: .idempotencyKey)
            request = try NotificationRequest(from: decoder)
        }
    }

    static func requested(_ record: KafkaConsumerMessage) throws -> TopicIntake.Ask {
        let requested = try JSONDecoder().decode(Requested.self, from: Data(record.value))
        guard !requested.tenantID.isEmpty, requested.tenantID.utf8.count <= 64, !requested.tenantID.hasPrefix("_") else {
            throw RecordRejection(reason: "tenant_id is not a tenant")
        }
        guard (1...NotificationController.maximumKeyLength).contains(requested.idempotencyKey.utf8.count) else {
            throw RecordRejection(reason: "idempotency_key must be 1 to \(NotificationController.maximumKeyLength) bytes")
        }
        switch requested.request.validated() {
        case .success(let request):
            let rule: NotificationRule? = request.template == .erasureFinished ? .erasureFinished : nil
            return TopicIntake.Ask(tenantID: requested.tenantID, key: requested.idempotencyKey, request: request, rule: rule)
        case .failure(let invalid):
            throw RecordRejection(reason: invalid.description)
        }
    }

    /// An achievement on `player.events.raw` → an email to the player, once per event, and only
    /// while it is news (an event older than `maximumAge` — a backlog, a replay — is passed over).
    static func achievement(_ record: KafkaConsumerMessage, now: Date = Date(), maximumAge: TimeInterval = 86_400) -> TopicIntake.Ask? {
        guard contains(record.value, "achievement_unlocked"), let event = try? PlayerEvent(jsonBytes: record.value), event.type == .achievementUnlocked,
            now.timeIntervalSince(event.occurredAt) <= maximumAge
        else { return nil }
        var data: [String: String] = [:]
        if case .string(let name)? = event.properties["achievement"] { data["achievement"] = AlertmanagerController.clean(name) }
        data["achievement"] = data["achievement"].flatMap { $0.isEmpty ? nil : $0 } ?? "an achievement"
        if let game = event.gameID { data["game_id"] = AlertmanagerController.clean(game) }
        let request = ValidatedRequest(channel: .email, target: .player(event.playerID), template: .achievementUnlocked, data: data)
        return TopicIntake.Ask(
            tenantID: event.tenantID, key: "achievement:" + event.eventID.uuidString.lowercased(), request: request, rule: .achievementUnlocked)
    }

    /// A `recommendations.generated` record → the player, at most once per player and UTC day
    /// (the key holds the day).
    struct Recommendations: Decodable {
        struct Game: Decodable {
            var gameID: String
            enum CodingKeys: String, CodingKey { case gameID = "game_id" }
        }
        var tenantID: String
        var playerID: String
        var games: [Game]

        enum CodingKeys: String, CodingKey {
            case games
            case tenantID = "tenant_id"
            case playerID = "player_id"
        }
    }

    static func recommendations(_ record: KafkaConsumerMessage, now: Date = Date()) throws -> TopicIntake.Ask {
        let changed = try JSONDecoder().decode(Recommendations.self, from: Data(record.value))
        guard !changed.tenantID.isEmpty, !changed.tenantID.hasPrefix("_"), PlayerIdentifier.validate(changed.playerID) == nil else {
            throw RecordRejection(reason: "tenant_id or player_id is not valid")
        }
        var data = ["count": String(changed.games.count)]
        if let top = changed.games.first { data["top_game"] = AlertmanagerController.clean(top.gameID) }
        let request = ValidatedRequest(channel: .email, target: .player(changed.playerID), template: .recommendationsChanged, data: data)
        let day = String(RFC3339.format(now).prefix(10))
        return TopicIntake.Ask(
            tenantID: changed.tenantID, key: "recommendations:\(changed.playerID):\(day)", request: request, rule: .recommendationsChanged)
    }

    private static func contains(_ bytes: [UInt8], _ text: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        guard needle.count <= bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            var index = 0
            while index + needle.count <= haystack.count {
                if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
                index += 1
            }
            return false
        }
    }
}
