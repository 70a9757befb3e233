#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif
import Foundation

/// A slowloris-style attacker on loopback, bounded in connections and time: each connection
/// sends `opening` at once and then one more byte every `interval`, never finishing its
/// request. Reports, per connection, how long the server kept it open (nil: still open when
/// `bound` ran out). Plain blocking sockets on a thread of its own, so the cooperative pool
/// stays free for the server and the test's well-behaved client.
struct TricklingClients {
    var port: Int
    var connections: Int
    var opening: [UInt8]
    var interval: Duration
    var bound: Duration

    struct Outcome: Sendable {
        /// Time from connect to the server closing the connection, per connection.
        var closedAfter: [Duration?]
        /// Connections that could not even be opened.
        var refused: Int
    }

    func run() async -> Outcome {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.runBlocking()) }
            thread.start()
        }
    }

    private func runBlocking() -> Outcome {
        let clock = ContinuousClock()
        var sockets: [Int32] = []
        var openedAt: [ContinuousClock.Instant] = []
        var refused = 0
        for _ in 0..<connections {
            guard let socket = Self.connect(port: port) else { refused += 1; continue }
            _ = opening.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            sockets.append(socket)
            openedAt.append(clock.now)
        }
        defer { for socket in sockets { close(socket) } }
        var closedAfter = [Duration?](repeating: nil, count: sockets.count)
        let start = clock.now
        var nextByte = start + interval
        var buffer = [UInt8](repeating: 0, count: 4096)
        while clock.now - start < bound, closedAfter.contains(where: { $0 == nil }) {
            if clock.now >= nextByte {
                for (index, socket) in sockets.enumerated() where closedAfter[index] == nil {
                    var byte = UInt8(ascii: "a")
                    if send(socket, &byte, 1, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) < 0, errno != EAGAIN {
                        closedAfter[index] = clock.now - openedAt[index]
                    }
                }
                nextByte = nextByte + interval
            }
            var polled = sockets.indices.filter { closedAfter[$0] == nil }.map { pollfd(fd: sockets[$0], events: Int16(POLLIN), revents: 0) }
            let waitMilliseconds = Int32(max(0, min(200, (nextByte - clock.now) / .milliseconds(1))))
            guard poll(&polled, nfds_t(polled.count), waitMilliseconds) > 0 else { continue }
            for entry in polled where entry.revents != 0 {
                guard let index = sockets.firstIndex(of: entry.fd) else { continue }
                // 0 is the server's FIN, -1 a reset: either way it gave up on the connection.
                // Bytes (an error response) are read and the wait for the close goes on.
                let count = recv(entry.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count == 0 || (count < 0 && errno != EAGAIN) {
                    closedAfter[index] = clock.now - openedAt[index]
                }
            }
        }
        return Outcome(closedAfter: closedAfter, refused: refused)
    }

    private static func connect(port: Int) -> Int32? {
        #if canImport(Glibc)
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                    Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                    Darwin.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else {
            close(socket)
            return nil
        }
        return socket
    }
}
