import CurlHTTP
import S3
import Testing

@Suite("S3 client under concurrency")
struct S3ConcurrencyTests {
    @Test("32 concurrent puts and gets through one client all return their own bytes")
    func concurrentPutsAndGets() async throws {
        let server = try S3TestServer.fromEnvironment()
        // Fewer workers than tasks, so requests queue and handles are reused between them.
        let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 6))
        let s3 = server.client(httpClient: http)
        let bucket = try await server.makeBucket("concurrent", using: s3)

        let count = 32
        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<count {
                group.addTask {
                    let key = "load/object-\(index).bin"
                    let body = s3TestBytes(count: 4096 + index * 1000, seed: UInt64(index + 1))
                    try await s3.putObject(bucket: bucket, key: key, body: body)
                    let fetched = try await s3.getObject(bucket: bucket, key: key)
                    return (index, fetched == body)
                }
            }
            var results: [Int: Bool] = [:]
            for try await (index, matched) in group { results[index] = matched }
            return results
        }
        #expect(results.count == count)
        #expect(results.values.allSatisfy { $0 }, "objects with mismatched bytes: \(results.filter { !$0.value }.keys.sorted())")

        let listed = try await s3.listObjects(bucket: bucket, prefix: "load/")
        #expect(listed.count == count)
        #expect(Set(listed.map(\.key)) == Set((0..<count).map { "load/object-\($0).bin" }))
    }
}
