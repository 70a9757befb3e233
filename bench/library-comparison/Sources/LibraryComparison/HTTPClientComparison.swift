import AsyncHTTPClient
import CurlHTTP
import Foundation
import HTTPTypes
import HTTPTypesFoundation
import NIOCore

/// Outbound HTTP (S3, webhooks, the user service): many small keep-alive GETs against a local
/// server, one at a time and four at a time. Ours is CurlHTTP (libcurl on worker threads);
/// theirs is async-http-client (SwiftNIO).
enum HTTPClientComparison {
    static func run(rounds: Int, url: String) async throws {
        let requests = 4000
        for concurrency in [1, 4] {
            let curl = CurlHTTP.HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: concurrency))
            let curlRequest = HTTPRequest(method: .get, url: URL(string: url)!)
            let ahc = AsyncHTTPClient.HTTPClient.shared
            // Both must get the answer, or they do not do the same work.
            let curlBody = String(decoding: try await curl.execute(curlRequest).body, as: UTF8.self)
            let check = try await ahc.execute(AsyncHTTPClient.HTTPClientRequest(url: url), timeout: .seconds(5))
            let ahcBody = String(buffer: try await check.body.collect(upTo: 1 << 20))
            precondition(curlBody == "ok" && ahcBody == "ok")

            let perTask = requests / concurrency
            try await Rounds(name: "http_get: CurlHTTP vs async-http-client, keep-alive GETs to a local server, \(concurrency) in flight", operations: requests, rounds: rounds).compare(
                ours: {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<concurrency {
                            group.addTask {
                                for _ in 0..<perTask {
                                    let answer = try await curl.execute(curlRequest)
                                    precondition(answer.response.status == .ok && answer.body.count == 2)
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                },
                theirs: {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<concurrency {
                            group.addTask {
                                for _ in 0..<perTask {
                                    let response = try await ahc.execute(AsyncHTTPClient.HTTPClientRequest(url: url), timeout: .seconds(5))
                                    let body = try await response.body.collect(upTo: 1 << 20)
                                    precondition(response.status == .ok && body.readableBytes == 2)
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                })
        }
    }
}
