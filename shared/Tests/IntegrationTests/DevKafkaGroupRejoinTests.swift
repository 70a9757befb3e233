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
        try await PrivateDevKafka.with { devKafka in
            let group = "wire-rejoin-\(UUID().uuidString.prefix(8))"
            let topic = "wire.rejoin.\(UUID().uuidString.prefix(8).lowercased())"
            try await devKafka.control.createTopic(topic, partitions: 1)
            let (host, port) = try bootstrapAddress(devKafka)
            let coordinator = try await KafkaWireConnection(host: host, port: port, receiveTimeout: .seconds(10)).findCoordinator(group: group)
            func connection() throws -> KafkaWireConnection {
                try KafkaWireConnection(host: "127.0.0.1", port: coordinator.port, receiveTimeout: .seconds(10))
            }

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
        try await PrivateDevKafka.with { devKafka in
            let group = "wire-resync-\(UUID().uuidString.prefix(8))"
            let topic = "wire.resync.\(UUID().uuidString.prefix(8).lowercased())"
            try await devKafka.control.createTopic(topic, partitions: 1)
            let (host, port) = try bootstrapAddress(devKafka)
            let coordinator = try await KafkaWireConnection(host: host, port: port, receiveTimeout: .seconds(10)).findCoordinator(group: group)
            func connection() throws -> KafkaWireConnection {
                try KafkaWireConnection(host: "127.0.0.1", port: coordinator.port, receiveTimeout: .seconds(10))
            }

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

    private func bootstrapAddress(_ devKafka: PrivateDevKafka) throws -> (String, Int) {
        let first = try #require(devKafka.bootstrap.first)
        let parts = first.split(separator: ":")
        return (String(parts[0]), try #require(Int(parts[1])))
    }
}
