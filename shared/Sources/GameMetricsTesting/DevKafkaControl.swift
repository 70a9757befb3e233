import CurlHTTP
import Foundation
import HTTPTypes
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The devkafka control port, to create topics and take brokers down and up during a test.
public struct DevKafkaControl: Sendable {
    public let baseURL: URL

    public init(baseURL: URL) {
        self.baseURL = baseURL
    }

    public func createTopic(_ name: String, partitions: Int) async throws {
        try await send("POST", "v1/topics", body: #"{"name":"\#(name)","partitions":\#(partitions)}"#, expect: 201)
    }

    public func setBrokerDown(_ id: Int) async throws {
        try await send("POST", "v1/brokers/\(id)/down", expect: 200)
    }

    public func setBrokerUp(_ id: Int) async throws {
        try await send("POST", "v1/brokers/\(id)/up", expect: 200)
    }

    private func send(_ method: String, _ path: String, body: String? = nil, expect status: Int) async throws {
        var request = HTTPRequest(method: HTTPRequest.Method(method)!, url: baseURL.appendingPathComponent(path))
        request.headerFields[.contentType] = "application/json"
        let (response, data) = try await testHTTPClient.execute(request, body: body.map { Array($0.utf8) }, timeout: .seconds(30))
        let code = response.status.code
        guard code == status else {
            throw ControlError(message: "\(method) \(path) answered \(code): \(String(decoding: data, as: UTF8.self))")
        }
    }

    public struct ControlError: Error, CustomStringConvertible {
        let message: String
        public var description: String { message }
    }
}
