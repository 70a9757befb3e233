import CurlHTTP

/// The HTTP client test support calls servers with: libcurl with a timeout over the whole
/// exchange, shared by every test in the process (its worker threads live as long as it).
public let testHTTPClient = HTTPClient()
