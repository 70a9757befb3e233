import Foundation
import Glibc

/// One TCP connection speaking the Kafka wire protocol by hand, for the few requests a test needs
/// to send in an order no real client would (librdkafka decides for itself when to rejoin).
/// Blocking socket calls run on a thread of their own, never on the cooperative pool.
final class KafkaWireConnection: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct JoinGroupAnswer: Equatable {
        let errorCode: Int16
        let generation: Int32
        let leaderID: String
        let memberID: String
    }

    private let socket: Int32
    private var correlationID: Int32 = 0

    init(host: String, port: Int, receiveTimeout: Duration) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: Int(receiveTimeout.components.seconds), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(socket)
            throw Failure(description: "cannot connect to \(host):\(port)")
        }
    }

    deinit { close(socket) }

    /// FindCoordinator v0: the broker that coordinates `group`.
    func findCoordinator(group: String) async throws -> (host: String, port: Int) {
        try await onOwnThread {
            var body = WireWriter()
            body.string(group)
            var reader = try self.exchange(apiKey: 10, version: 0, body: body)
            let error = try reader.int16()
            guard error == 0 else { throw Failure(description: "FindCoordinator error \(error)") }
            _ = try reader.int32()
            return (try reader.string(), Int(try reader.int32()))
        }
    }

    /// Sends JoinGroup v0 for `group` and returns without waiting: the coordinator answers only
    /// when the group's rebalance completes.
    func sendJoinGroup(group: String, memberID: String, topic: String, sessionTimeoutMs: Int32) async throws {
        try await onOwnThread {
            var body = WireWriter()
            body.string(group)
            body.int32(sessionTimeoutMs)
            body.string(memberID)
            body.string("consumer")
            body.int32(1)
            body.string("range")
            var subscription = WireWriter()
            subscription.int16(0)
            subscription.int32(1)
            subscription.string(topic)
            subscription.int32(-1)
            body.bytes(subscription.data)
            try self.send(apiKey: 11, version: 0, body: body)
        }
    }

    /// A follower's SyncGroup v0 (no assignments), without waiting: the coordinator answers when
    /// every member has synced or the group gives up on them.
    func sendSyncGroup(group: String, generation: Int32, memberID: String) async throws {
        try await onOwnThread {
            var body = WireWriter()
            body.string(group)
            body.int32(generation)
            body.string(memberID)
            body.int32(0)
            try self.send(apiKey: 14, version: 0, body: body)
        }
    }

    /// The error code answering the last SyncGroup sent; nil when none arrives in time.
    func receiveSyncGroup() async throws -> Int16? {
        try await onOwnThread {
            guard var reader = try self.receive() else { return nil }
            return try reader.int16()
        }
    }

    /// The answer to the last JoinGroup sent; nil when none arrives within the receive timeout.
    func receiveJoinGroup() async throws -> JoinGroupAnswer? {
        try await onOwnThread {
            guard var reader = try self.receive() else { return nil }
            let error = try reader.int16()
            let generation = try reader.int32()
            _ = try reader.string()
            let leader = try reader.string()
            return JoinGroupAnswer(errorCode: error, generation: generation, leaderID: leader, memberID: try reader.string())
        }
    }

    private func exchange(apiKey: Int16, version: Int16, body: WireWriter) throws -> WireReader {
        try send(apiKey: apiKey, version: version, body: body)
        guard let reader = try receive() else { throw Failure(description: "no answer to API key \(apiKey)") }
        return reader
    }

    private func send(apiKey: Int16, version: Int16, body: WireWriter) throws {
        correlationID += 1
        var request = WireWriter()
        request.int16(apiKey)
        request.int16(version)
        request.int32(correlationID)
        request.string("wire-test")
        request.data.append(body.data)
        var frame = WireWriter()
        frame.int32(Int32(request.data.count))
        frame.data.append(request.data)
        let sent = frame.data.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == frame.data.count else { throw Failure(description: "send failed: \(String(cString: strerror(errno)))") }
    }

    /// A response's body after its correlation ID; nil on timeout.
    private func receive() throws -> WireReader? {
        guard let header = try read(count: 4) else { return nil }
        var lengthReader = WireReader(data: header)
        guard let body = try read(count: Int(try lengthReader.int32())) else { throw Failure(description: "truncated response") }
        var reader = WireReader(data: body)
        _ = try reader.int32()
        return reader
    }

    private func read(count: Int) throws -> Data? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let received = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + filled, count - filled, 0) }
            if received < 0, errno == EAGAIN || errno == EWOULDBLOCK, filled == 0 { return nil }
            guard received > 0 else { throw Failure(description: "connection closed or failed while reading") }
            filled += received
        }
        return Data(buffer)
    }

    private func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

private struct WireWriter {
    var data = Data()

    mutating func int16(_ value: Int16) { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }
    mutating func int32(_ value: Int32) { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }

    mutating func string(_ value: String) {
        int16(Int16(value.utf8.count))
        data.append(contentsOf: Array(value.utf8))
    }

    mutating func bytes(_ value: Data) {
        int32(Int32(value.count))
        data.append(value)
    }
}

private struct WireReader {
    let data: Data
    var offset = 0

    init(data: Data) { self.data = Data(data) }

    mutating func int16() throws -> Int16 { Int16(bitPattern: UInt16(try integer(width: 2))) }
    mutating func int32() throws -> Int32 { Int32(bitPattern: UInt32(try integer(width: 4))) }

    mutating func string() throws -> String {
        let length = Int(try int16())
        guard length >= 0 else { return "" }
        guard offset + length <= data.count else { throw KafkaWireConnection.Failure(description: "truncated string") }
        defer { offset += length }
        return String(decoding: data[offset..<offset + length], as: UTF8.self)
    }

    private mutating func integer(width: Int) throws -> UInt64 {
        guard offset + width <= data.count else { throw KafkaWireConnection.Failure(description: "truncated integer") }
        defer { offset += width }
        return data[offset..<offset + width].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
