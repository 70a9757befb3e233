import CurlHTTP
import Foundation
import S3
import Testing

/// The S3 server the integration tests talk to, from GM_TEST_S3_* (tools/platform/test.sh starts
/// `rclone serve s3` and sets them). Missing variables fail the test with instructions rather
/// than skipping it, so a misconfigured run can never look green.
struct S3TestServer {
    let endpoint: String
    let accessKey: String
    let secretKey: String

    struct MissingEnvironment: Error, CustomStringConvertible {
        let names: [String]
        var description: String {
            "S3 integration tests need \(names.joined(separator: ", ")) in the environment; start "
                + "`rclone serve s3 --addr 127.0.0.1:PORT --auth-key KEY,SECRET DIR` and export "
                + "GM_TEST_S3_ENDPOINT=http://127.0.0.1:PORT GM_TEST_S3_ACCESS_KEY=KEY "
                + "GM_TEST_S3_SECRET_KEY=SECRET (tools/platform/test.sh does this)"
        }
    }

    static func fromEnvironment() throws -> S3TestServer {
        let env = ProcessInfo.processInfo.environment
        let names = ["GM_TEST_S3_ENDPOINT", "GM_TEST_S3_ACCESS_KEY", "GM_TEST_S3_SECRET_KEY"]
        let missing = names.filter { (env[$0] ?? "").isEmpty }
        guard missing.isEmpty else { throw MissingEnvironment(names: missing) }
        return S3TestServer(
            endpoint: env["GM_TEST_S3_ENDPOINT"]!, accessKey: env["GM_TEST_S3_ACCESS_KEY"]!,
            secretKey: env["GM_TEST_S3_SECRET_KEY"]!
        )
    }

    var configuration: S3Configuration {
        S3Configuration(endpoint: endpoint, region: "us-east-1", accessKey: accessKey, secretKey: secretKey)
    }

    var signing: AWSSigV4Signing {
        AWSSigV4Signing(service: "s3", region: "us-east-1", accessKey: accessKey, secretKey: secretKey)
    }

    func client(httpClient: HTTPClient? = nil) -> S3Client {
        S3Client(configuration: configuration, httpClient: httpClient)
    }

    /// A fresh bucket per test, so tests can run in parallel and re-runs never collide.
    static func uniqueBucketName(_ label: String) -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        return "gm-it-\(label)-\(suffix)"
    }

    /// Creates a fresh bucket on the server and returns its name.
    func makeBucket(_ label: String, using client: S3Client) async throws -> String {
        let bucket = Self.uniqueBucketName(label)
        try await client.createBucket(bucket)
        return bucket
    }
}

/// Deterministic pseudo-random bytes (xorshift), so a failing comparison can be reproduced.
func s3TestBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}
