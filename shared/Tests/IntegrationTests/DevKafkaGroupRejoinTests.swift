import Foundation
import GameMetricsTesting
import Testing

/// devkafka's consumer groups against joins no healthy client sends in this order, but a client
/// whose connection broke mid-join does: it rejoins, with the member ID it was given, on a new
/// connection while its first join still waits. librdkafka 2.0.2's mock aborted the whole broker
/// process on that (`rd_kafka_mock_cgrp_member_add: !member->resp`), taking down every test of a
/// `make test` run with it. Each test runs on a devkafka of its own, so a regression kills only it.
@Suite("devkafka's consumer groups")
struct DevKafkaGroupRejoinTests {
    @Test("a member that rejoins on a second connection while its first join waits gets an answer, and the broker lives on")
    func rejoinOnASecondConnectionIsAnswered() async throws {
        try await withGroup { devKafka, group, topic, connection in
            let first = try connection()
            try await first.sendJoinGroup(group: group, memberID: "", topic: topic, sessionTimeoutMs: 6000)
            let joined = try #require(try await first.receiveJoinGroup())
            #expect(joined.errorCode == 0)

            // The same member joins again on a second connection, then on the first, while the
            // second connection's join is still waiting for the rebalance.
            let second = try connection()
            try await second.sendJoinGroup(group: group, memberID: joined.memberID, topic: topic, sessionTimeoutMs: 6000)
            try await Task.sleep(for: .milliseconds(300))
            try await first.sendJoinGroup(group: group, memberID: joined.memberID, topic: topic, sessionTimeoutMs: 6000)

            let rejoined = try await first.receiveJoinGroup()
            #expect(devKafka.isRunning, "devkafka aborted on the rejoin")
            #expect(rejoined?.errorCode == 0)
            #expect(rejoined?.memberID == joined.memberID)
            #expect((rejoined?.generation ?? 0) > joined.generation)
        }
    }

    @Test("a member that syncs again on a second connection while its first sync waits gets an answer, and the broker lives on")
    func resyncOnASecondConnectionIsAnswered() async throws {
        try await withGroup { devKafka, group, topic, connection in
            // Two members, so that the first one's sync waits for the other's.
            let (a, b) = (try connection(), try connection())
            try await a.sendJoinGroup(group: group, memberID: "", topic: topic, sessionTimeoutMs: 6000)
            try await b.sendJoinGroup(group: group, memberID: "", topic: topic, sessionTimeoutMs: 6000)
            let joinedA = try #require(try await a.receiveJoinGroup())
            let joinedB = try #require(try await b.receiveJoinGroup())
            #expect(joinedA.errorCode == 0 && joinedB.errorCode == 0)
            let follower = joinedA.memberID == joinedA.leaderID ? joinedB : joinedA

            let first = try connection(), second = try connection()
            try await first.sendSyncGroup(group: group, generation: follower.generation, memberID: follower.memberID)
            try await Task.sleep(for: .milliseconds(300))
            try await second.sendSyncGroup(group: group, generation: follower.generation, memberID: follower.memberID)
            try await Task.sleep(for: .milliseconds(300))
            #expect(devKafka.isRunning, "devkafka aborted on the second sync")
            // The leader never syncs, so the wait ends with the group's timeout and an error.
            let answer = try await second.receiveSyncGroup()
            #expect(devKafka.isRunning)
            #expect(answer != nil, "the second sync was never answered")
        }
    }

    /// A devkafka of the test's own, a fresh group and topic, and new connections to the group's
    /// coordinator.
    private func withGroup(
        _ body: (PrivateDevKafka, _ group: String, _ topic: String, _ connect: () throws -> KafkaWireConnection) async throws -> Void
    ) async throws {
        try await PrivateDevKafka.with { devKafka in
            let suffix = UUID().uuidString.prefix(8).lowercased()
            let (group, topic) = ("wire-\(suffix)", "wire.\(suffix)")
            try await devKafka.control.createTopic(topic, partitions: 1)
            let bootstrap = try #require(devKafka.bootstrap.first).split(separator: ":")
            let coordinator = try await KafkaWireConnection(host: String(bootstrap[0]), port: try #require(Int(bootstrap[1])), receiveTimeout: .seconds(10))
                .findCoordinator(group: group)
            try await body(devKafka, group, topic) {
                try KafkaWireConnection(host: "127.0.0.1", port: coordinator.port, receiveTimeout: .seconds(10))
            }
        }
    }
}
