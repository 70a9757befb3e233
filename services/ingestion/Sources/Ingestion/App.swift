import GameMetricsHTTP
import GameMetricsKit
import NIOCore
import NIOPosix

@main
struct IngestionApp {
    static func main() async {
        // Swift concurrency runs on NIO's event loops, the threads that own the sockets: a
        // request's handler then needs no hop to the global pool and back. Blocking calls
        // (Kafka metadata, Redis, curl) already run on threads of their own.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
