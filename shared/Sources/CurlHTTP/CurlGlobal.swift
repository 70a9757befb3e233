import CCurl

/// `curl_global_init` is not thread-safe and must run once per process before any handle is
/// created. A global `let` is initialised lazily and exactly once (Swift uses `swift_once`).
enum CurlGlobal {
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func ensureInitialized() {
        precondition(initResult == CURLE_OK, "curl_global_init failed with code \(initResult.rawValue)")
    }
}
