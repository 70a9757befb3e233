import CCurl

extension CurlEasyHandle {
    /// Submits the job's message over SMTP (or sends `NOOP` when it has none) in one session.
    func submit(_ job: CurlMailJob) -> Result<Void, any Error> {
        let configuration = job.configuration
        let upload = MailUpload(message: job.envelope?.message ?? [], job: job)
        curl_easy_reset(handle)
        errorBuffer[0] = 0

        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(recipients) }
        for recipient in job.envelope?.recipients ?? [] {
            recipients = curl_slist_append(recipients, "<\(recipient)>")
        }

        let context = Unmanaged.passUnretained(upload).toOpaque()
        let code = withExtendedLifetime(upload) { () -> CURLcode in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }

            set(gm_curl_setopt_string(handle, CURLOPT_URL, configuration.url))
            set(gm_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(gm_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
            set(gm_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            set(gm_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
            set(gm_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout)))
            let security: curl_usessl = configuration.security == .none ? CURLUSESSL_NONE : CURLUSESSL_ALL
            set(gm_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(security.rawValue)))
            if let caFile = configuration.caFile {
                set(gm_curl_setopt_string(handle, CURLOPT_CAINFO, caFile))
            }
            if let username = configuration.username {
                set(gm_curl_setopt_string(handle, CURLOPT_USERNAME, username))
                set(gm_curl_setopt_string(handle, CURLOPT_PASSWORD, configuration.password ?? ""))
            }
            if let envelope = job.envelope {
                set(gm_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.sender)>"))
                if let recipients { set(gm_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)) }
                set(gm_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
                set(gm_curl_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(envelope.message.count)))
                set(gm_curl_setopt_callback(handle, CURLOPT_READFUNCTION, mailRead))
                set(gm_curl_setopt_pointer(handle, CURLOPT_READDATA, context))
            } else {
                set(gm_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "NOOP"))
                set(gm_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
            }
            set(gm_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            set(gm_curl_setopt_xferinfo(handle, mailProgress))
            set(gm_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))
            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle)
        }
        if code == CURLE_OK { return .success(()) }
        if code == CURLE_ABORTED_BY_CALLBACK && job.isCancelled { return .failure(CancellationError()) }
        return .failure(mailError(for: code))
    }

    private func mailError(for code: CURLcode) -> SMTPError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        var reply = 0
        _ = gm_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            return .connectFailed(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .tls(message)
        default:
            // The server's last reply says whether it refused (4yz / 5yz) or the line broke.
            if (400..<600).contains(reply) { return .rejected(code: reply, message: message) }
            return .transport(code: Int(code.rawValue), message: message)
        }
    }
}

/// The message bytes curl's read callback hands out, reached through the userdata pointer.
private final class MailUpload {
    let message: [UInt8]
    var offset = 0
    let job: CurlMailJob

    init(message: [UInt8], job: CurlMailJob) {
        self.message = message
        self.job = job
    }
}

private func upload(_ userdata: UnsafeMutableRawPointer?) -> MailUpload {
    Unmanaged<MailUpload>.fromOpaque(userdata!).takeUnretainedValue()
}

private let mailRead: gm_curl_data_callback = { buffer, size, count, userdata in
    let upload = upload(userdata)
    guard let buffer else { return 0 }
    let chunk = min(size * count, upload.message.count - upload.offset)
    guard chunk > 0 else { return 0 }
    upload.message.withUnsafeBytes { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: chunk)
    }
    upload.offset += chunk
    return chunk
}

private let mailProgress: gm_curl_xferinfo_callback = { userdata, _, _, _, _ in
    upload(userdata).job.isCancelled ? 1 : 0
}
