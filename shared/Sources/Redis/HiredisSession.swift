import CHiredis
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One open hiredis context and the synchronous calls on it.
///
/// Not thread-safe and every call may block: an owner (a `RedisConnection` queue or the
/// subscriber thread) uses it from one thread at a time, never from the cooperative pool.
/// Once a call fails with a connection-level error hiredis marks the context unusable (`err` set);
/// the owner must drop the session and open a new one.
final class HiredisSession {
    private let context: UnsafeMutablePointer<redisContext>

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit {
        redisFree(context)
    }

    /// Connects to `endpoint`, applies the read/write timeout, then authenticates and selects the
    /// database. `commandTimeout == nil` leaves reads unbounded (subscriptions wait for messages forever).
    static func open(_ endpoint: RedisEndpoint, _ configuration: RedisConfiguration, commandTimeout: Duration?) throws(RedisError) -> HiredisSession {
        guard let raw = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), makeTimeval(configuration.connectTimeout)) else {
            throw .connectionFailed("\(endpoint): hiredis could not allocate a context")
        }
        let session = HiredisSession(context: raw)  // frees the context on every early exit
        guard raw.pointee.err == 0 else {
            throw .connectionFailed("\(endpoint): \(session.errorString)")
        }
        if let commandTimeout, redisSetTimeout(raw, makeTimeval(commandTimeout)) != REDIS_OK {
            throw .connectionFailed("\(endpoint): could not set the socket timeout: \(session.errorString)")
        }
        // Keepalive notices a peer that vanished without closing (a dead host, a dropped NAT entry).
        _ = redisEnableKeepAlive(raw)

        var handshake: [[String]] = []
        if let password = configuration.password {
            handshake.append(["AUTH"] + (configuration.username.map { [$0] } ?? []) + [password])
        }
        if configuration.database != 0 {
            handshake.append(["SELECT", String(configuration.database)])
        }
        for command in handshake {
            let reply: RedisValue
            do {
                reply = try session.command(command.map { Array($0.utf8) })
            } catch {
                throw .connectionFailed("\(endpoint): \(command[0]) failed: \(error)")
            }
            if case .error(let message) = reply {
                throw .connectionFailed("\(endpoint): \(command[0]) was rejected: \(message)")
            }
        }
        return session
    }

    /// The socket, for `shutdown(2)` from another thread to wake a blocked read.
    var fileDescriptor: Int32 { context.pointee.fd }

    /// True once hiredis has marked the context failed; such a session is never reused.
    var isBroken: Bool { context.pointee.err != 0 }

    /// Whether an idle session still looks usable. An idle RESP2 connection has nothing to read,
    /// so readability means the server closed it (restart, `CLIENT KILL`, idle timeout) or sent
    /// something unexpected. Checking with a zero-timeout `poll` before use turns a stale pooled
    /// connection into a fresh connect instead of a failed command.
    var isHealthyWhenIdle: Bool {
        if isBroken { return false }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Sends one command and waits for its reply.
    func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        try append(arguments)
        return try readReply()
    }

    /// Queues a command in hiredis' output buffer; it is written by the next `readReply`.
    func append(_ arguments: [[UInt8]]) throws(RedisError) {
        let status = withArgv(arguments) { count, argv, lengths in
            redisAppendCommandArgv(context, count, argv, lengths)
        }
        if status != REDIS_OK {
            throw failure()
        }
    }

    /// Flushes pending output and blocks (at most the socket timeout) for the next reply.
    func readReply() throws(RedisError) -> RedisValue {
        var reply: UnsafeMutableRawPointer?
        guard redisGetReply(context, &reply) == REDIS_OK else {
            throw failure()
        }
        guard let reply else {
            throw .protocolError("hiredis returned no reply")
        }
        defer { freeReplyObject(reply) }
        return RedisValue(reply.assumingMemoryBound(to: redisReply.self))
    }

    private var errorString: String {
        withUnsafeBytes(of: context.pointee.errstr) { buffer in
            String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Classifies the error hiredis just recorded. `errno` is read first, before anything else can
    /// overwrite it: a socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) surfaces as an I/O error with EAGAIN.
    private func failure() -> RedisError {
        let savedErrno = errno
        let message = errorString
        switch context.pointee.err {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK:
            return .timeout
        case REDIS_ERR_PROTOCOL:
            return .protocolError(message)
        case REDIS_ERR_OOM:
            return .protocolError("hiredis is out of memory")
        default:
            return .connectionLost(message.isEmpty ? "connection closed" : message)
        }
    }
}

/// Lays the arguments out in one buffer and passes hiredis the pointer and length arrays it wants
/// for binary-safe `*Argv` calls.
private func withArgv<Result>(
    _ arguments: [[UInt8]],
    _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
) -> Result {
    let total = arguments.reduce(0) { $0 + $1.count }
    let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(total, 1))
    defer { storage.deallocate() }
    var pointers: [UnsafePointer<CChar>?] = []
    var lengths: [Int] = []
    pointers.reserveCapacity(arguments.count)
    lengths.reserveCapacity(arguments.count)
    var offset = 0
    for argument in arguments {
        let start = storage + offset
        argument.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress {
                UnsafeMutableRawPointer(start).copyMemory(from: base, byteCount: bytes.count)
            }
        }
        pointers.append(UnsafePointer(start))
        lengths.append(argument.count)
        offset += argument.count
    }
    return pointers.withUnsafeMutableBufferPointer { argv in
        lengths.withUnsafeBufferPointer { argvlen in
            body(Int32(arguments.count), argv.baseAddress!, argvlen.baseAddress!)
        }
    }
}

private func makeTimeval(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    let clampedSeconds = max(0, seconds)
    let microseconds = clampedSeconds == seconds ? attoseconds / 1_000_000_000_000 : 0
    #if canImport(Darwin)
        return Darwin.timeval(tv_sec: Int(clampedSeconds), tv_usec: Int32(microseconds))
    #else
        return Glibc.timeval(tv_sec: Int(clampedSeconds), tv_usec: Int(microseconds))
    #endif
}

extension RedisValue {
    /// Deep-copies a hiredis reply tree into Swift values.
    init(_ reply: UnsafeMutablePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            self = .bulkString(Self.bytes(node.str, node.len))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(node.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let child = node.element[index] {
                    elements.append(RedisValue(child))
                } else {
                    elements.append(.null)
                }
            }
            self = .array(elements)
        default:  // REDIS_REPLY_NIL
            self = .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}
