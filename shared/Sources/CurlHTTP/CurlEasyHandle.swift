import CCurl
import HTTPTypes

/// One curl easy handle, used by one worker thread only. `curl_easy_reset` between requests
/// clears options but keeps the handle's live connections and DNS cache, which is the point of
/// reusing it.
final class CurlEasyHandle {
    let handle: UnsafeMutableRawPointer
    let configuration: HTTPClientConfiguration
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    init(configuration: HTTPClientConfiguration) {
        guard let handle = curl_easy_init() else {
            fatalError("curl_easy_init failed: libcurl is out of memory or not initialised")
        }
        self.handle = handle
        self.configuration = configuration
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func perform(_ job: CurlTransferJob) -> Result<CurlResult, any Error> {
        let request = job.transfer.request
        let url = job.transfer.url
        let transfer = CurlTransferState(
            body: job.transfer.body, job: job, maximumBodySize: configuration.maximumResponseBodySize,
            expectsBody: request.method != .head)
        curl_easy_reset(handle)
        errorBuffer[0] = 0

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for field in request.headerFields {
            // "Name;" is curl's spelling for a header sent with an empty value.
            let line = field.value.isEmpty ? "\(field.name.rawName);" : "\(field.name.rawName): \(field.value)"
            headerList = curl_slist_append(headerList, line)
        }
        // "Expect:" with no value stops libcurl from sending `Expect: 100-continue` with bodies
        // over 1 KiB and then waiting up to a second for a 100 that many servers never send.
        // Not on SigV4 requests: curl would sign the emptied header, and S3 servers answer 100.
        if job.transfer.signing == nil, request.headerFields[.expect] == nil {
            headerList = curl_slist_append(headerList, "Expect:")
        }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        var code = withExtendedLifetime(transfer) { () -> CURLcode in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }

            set(gm_curl_setopt_string(handle, CURLOPT_URL, url))
            // Threads + signals do not mix; timeouts then rely on the threaded resolver.
            set(gm_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(gm_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            set(gm_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
            // Keep "." and ".." segments: in an S3 key they are data, not directory steps.
            set(gm_curl_setopt_long(handle, CURLOPT_PATH_AS_IS, 1))
            set(gm_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            set(gm_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent))
            set(gm_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
            set(gm_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(job.transfer.timeout)))
            set(gm_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, configuration.followRedirects ? 1 : 0))
            set(gm_curl_setopt_long(handle, CURLOPT_MAXREDIRS, configuration.maxRedirects))

            let method = request.method
            if method == .head {
                set(gm_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
            } else if job.transfer.body != nil || method == .put || method == .post || method == .patch {
                // Upload mode streams the body through the read callback and sends an exact
                // Content-Length; unlike POSTFIELDS it adds no form Content-Type of its own.
                set(gm_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
                set(gm_curl_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(job.transfer.body?.count ?? 0)))
                set(gm_curl_setopt_callback(handle, CURLOPT_READFUNCTION, curlRead))
                set(gm_curl_setopt_pointer(handle, CURLOPT_READDATA, context))
                if method != .put {
                    set(gm_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method.rawValue))
                }
            } else if method != .get {
                set(gm_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method.rawValue))
            }

            if let headerList {
                set(gm_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            }
            if let signing = job.transfer.signing {
                set(gm_curl_setopt_string(handle, CURLOPT_AWS_SIGV4, signing.curlParameter))
                // Separate options rather than USERPWD "key:secret", so a ':' in a key is harmless.
                set(gm_curl_setopt_string(handle, CURLOPT_USERNAME, signing.accessKey))
                set(gm_curl_setopt_string(handle, CURLOPT_PASSWORD, signing.secretKey))
            }

            set(gm_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWrite))
            set(gm_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            set(gm_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlHeader))
            set(gm_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
            set(gm_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            set(gm_curl_setopt_xferinfo(handle, curlProgress))
            set(gm_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))

            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle)
        }

        if code == CURLE_ABORTED_BY_CALLBACK && job.isCancelled {
            return .failure(CancellationError())
        }
        if code == CURLE_WRITE_ERROR && transfer.bodyTooLarge {
            return .failure(HTTPClientError.responseBodyTooLarge(limit: configuration.maximumResponseBodySize))
        }
        var status = 0
        if code == CURLE_OK {
            code = gm_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        }
        guard code == CURLE_OK else {
            return .failure(error(for: code, url: url))
        }
        return .success((HTTPResponse(status: .init(code: status), headerFields: transfer.headers), transfer.responseBody))
    }

    private func error(for code: CURLcode, url: String) -> HTTPClientError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(url)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .connectFailed(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        default:
            return .transport(code: Int(code.rawValue), message: message)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// Per-request buffers the C callbacks write into, reached through the userdata pointer.
private final class CurlTransferState {
    let body: [UInt8]?
    var bodyOffset = 0
    var responseBody: [UInt8] = []
    var headers = HTTPFields()
    let job: CurlTransferJob
    let maximumBodySize: Int
    /// False for HEAD, whose Content-Length describes a body that is not sent.
    let expectsBody: Bool
    /// Set when the body went over `maximumBodySize` and the transfer was aborted for it.
    var bodyTooLarge = false

    init(body: [UInt8]?, job: CurlTransferJob, maximumBodySize: Int, expectsBody: Bool) {
        self.body = body
        self.job = job
        self.maximumBodySize = maximumBodySize
        self.expectsBody = expectsBody
    }
}

private func state(_ userdata: UnsafeMutableRawPointer?) -> CurlTransferState {
    Unmanaged<CurlTransferState>.fromOpaque(userdata!).takeUnretainedValue()
}

private let curlWrite: gm_curl_data_callback = { data, size, count, userdata in
    let length = size * count
    let transfer = state(userdata)
    if transfer.responseBody.count + length > transfer.maximumBodySize {
        // Returning less than `length` makes curl abort with CURLE_WRITE_ERROR.
        transfer.bodyTooLarge = true
        return 0
    }
    if let data, length > 0 {
        transfer.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    }
    return length
}

private let curlRead: gm_curl_data_callback = { buffer, size, count, userdata in
    let transfer = state(userdata)
    guard let buffer, let body = transfer.body else { return 0 }
    let chunk = min(size * count, body.count - transfer.bodyOffset)
    guard chunk > 0 else { return 0 }
    body.withUnsafeBytes { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + transfer.bodyOffset, byteCount: chunk)
    }
    transfer.bodyOffset += chunk
    return chunk
}

private let curlHeader: gm_curl_data_callback = { data, size, count, userdata in
    let length = size * count
    guard let data else { return length }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    let transfer = state(userdata)
    if line.hasPrefix("HTTP/") {
        // A new status line starts a new response (after 100 Continue or a redirect).
        transfer.headers = HTTPFields()
    } else if let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(trimmed(line[..<colon])) {
        let value = trimmed(line[line.index(after: colon)...])
        // A declared length over the limit fails now, before any of the body is read.
        if name == .contentLength, transfer.expectsBody, let declared = Int(value), declared > transfer.maximumBodySize {
            transfer.bodyTooLarge = true
            return 0
        }
        transfer.headers.append(HTTPField(name: name, value: value))
    }
    return length
}

private func trimmed(_ text: Substring) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
    guard let first = text.firstIndex(where: { !isSpace($0) }),
        let last = text.lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(text[first...last])
}

private let curlProgress: gm_curl_xferinfo_callback = { userdata, _, _, _, _ in
    state(userdata).job.isCancelled ? 1 : 0
}
