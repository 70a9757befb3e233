import Foundation
#if canImport(Glibc)
    import Glibc
#endif

struct HTTPTestSocketFailure: Error, CustomStringConvertible {
    let description: String
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, optionally listening.
private func boundLoopbackSocket(listen shouldListen: Bool) throws -> (fd: Int32, port: UInt16) {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw HTTPTestSocketFailure(description: "socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { close(fd); throw HTTPTestSocketFailure(description: "bind() failed: errno \(errno)") }
    if shouldListen {
        guard listen(fd, 16) == 0 else { close(fd); throw HTTPTestSocketFailure(description: "listen() failed: errno \(errno)") }
    }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { close(fd); throw HTTPTestSocketFailure(description: "getsockname() failed: errno \(errno)") }
    return (fd, UInt16(bigEndian: address.sin_port))
}

/// A loopback port with nothing listening on it: bound (so the kernel picked a free one), then
/// closed, so a connection attempt is refused.
/// A loopback port that refuses connections: bound but not listening. It stays bound (so no
/// other test can take it) until the value is released.
final class HTTPTestRefusingPort: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32

    init() throws {
        (fd, port) = try boundLoopbackSocket(listen: false)
    }

    deinit { close(fd) }
}

/// A listening socket that never accepts or answers: connections complete in the kernel's
/// backlog and then hang, which is how a stuck server looks to a client.
final class HTTPTestSilentServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32

    init() throws {
        (fd, port) = try boundLoopbackSocket(listen: true)
    }

    deinit { close(fd) }
}

/// A one-request-at-a-time HTTP server that answers every request with the same raw response
/// bytes, for behaviour the S3 server cannot show (e.g. a redirect). It records each request's
/// head so tests can see what was actually sent.
final class HTTPTestCannedServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var heads: [String] = []

    init(response: String) throws {
        (fd, port) = try boundLoopbackSocket(listen: true)
        serveOneAtATime(on: fd) { [weak self] client, head in
            self?.record(head)
            let bytes = Array(response.utf8)
            _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        }
    }

    var requestHeads: [String] {
        lock.lock()
        defer { lock.unlock() }
        return heads
    }

    private func record(_ head: String) {
        lock.lock()
        heads.append(head)
        lock.unlock()
    }

    /// Closing the listener makes the blocked accept() fail, which ends the thread.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

/// Accepts connections on `listener` one at a time on a thread of its own: reads each request's
/// head, hands the connection and the head to `answer`, then closes the connection. Closing the
/// listener makes accept() fail, which ends the thread.
private func serveOneAtATime(on listener: Int32, _ answer: @escaping @Sendable (_ client: Int32, _ head: String) -> Void) {
    let thread = Thread {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !received.containsHeaderEnd {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                received += buffer[0..<n]
            }
            answer(client, String(decoding: received, as: UTF8.self))
            close(client)
        }
    }
    thread.start()
}

private extension [UInt8] {
    var containsHeaderEnd: Bool {
        count >= 4 && (0...(count - 4)).contains { self[$0] == 13 && self[$0 + 1] == 10 && self[$0 + 2] == 13 && self[$0 + 3] == 10 }
    }
}

/// A server that answers every request with a 200 whose body is `bodySize` bytes, streamed in
/// 64 KiB writes (never held in memory), declared in `Content-Length` or sent chunked without
/// one. It counts the body bytes it managed to write, so a test can tell that a client stopped
/// reading early.
final class HTTPTestHugeBodyServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var written = 0

    init(bodySize: Int, chunked: Bool) throws {
        (fd, port) = try boundLoopbackSocket(listen: true)
        serveOneAtATime(on: fd) { [weak self] client, _ in
            let head =
                chunked
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: \(bodySize)\r\nConnection: close\r\n\r\n"
            guard Self.send(client, Array(head.utf8)) else { return }
            let slice = [UInt8](repeating: 0x61, count: 64 << 10)
            var remaining = bodySize
            while remaining > 0 {
                let part = Array(slice.prefix(remaining))
                let framed = chunked ? Array((String(part.count, radix: 16) + "\r\n").utf8) + part + Array("\r\n".utf8) : part
                guard Self.send(client, framed) else { return }
                remaining -= part.count
                self?.add(part.count)
            }
            if chunked { _ = Self.send(client, Array("0\r\n\r\n".utf8)) }
        }
    }

    /// Body bytes handed to the kernel so far, over all requests.
    var bytesWritten: Int {
        lock.lock()
        defer { lock.unlock() }
        return written
    }

    private func add(_ count: Int) {
        lock.lock()
        written += count
        lock.unlock()
    }

    /// Writes all of `bytes`; false once the peer has gone (no SIGPIPE: MSG_NOSIGNAL).
    private static func send(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Closing the listener makes the blocked accept() fail, which ends the thread.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
