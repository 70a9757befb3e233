import Hummingbird

/// The smallest Hummingbird server: `GET /` and `POST /` answer a fixed body. Benchmarked beside
/// ingestion in the same run, it measures what HTTP alone costs on this machine.
@main
struct HelloWorldServer {
    static func main() async throws {
        let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8090
        let router = Router()
        router.get("/") { _, _ in "Hello, world!" }
        router.post("/") { request, _ -> String in
            _ = try await request.body.collect(upTo: 1 << 20)
            return "Hello, world!"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hello-world"))
        try await app.runService()
    }
}
