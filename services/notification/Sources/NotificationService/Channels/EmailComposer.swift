import Foundation

/// Builds the RFC 5322 message of an email: `multipart/alternative` with a plain-text and an
/// HTML part (UTF-8, base64), a `Message-ID` made of the notification's id (the same on every
/// attempt, replay or redelivery), and for players `List-Unsubscribe` with one-click
/// unsubscribe (RFC 8058). Every header value comes from validated addresses, the rendered
/// subject (encoded per RFC 2047) or fixed text, so no value can start another header.
struct EmailComposer: Sendable {
    let fromAddress: String
    let messageIDDomain: String

    func compose(
        messageID: String, senderName: String, to recipient: String, message: MessageRenderer.Message, unsubscribeURL: String?, date: Date = Date()
    ) -> [UInt8] {
        let boundary = "gm-" + messageID
        var headers = [
            "From: \(Self.encodedWord(senderName)) <\(fromAddress)>",
            "To: <\(recipient)>",
            "Subject: \(Self.encodedWord(message.subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)@\(messageIDDomain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "Auto-Submitted: auto-generated",
        ]
        if let unsubscribeURL {
            headers.append("List-Unsubscribe: <\(unsubscribeURL)>")
            headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        var lines = headers
        lines.append("")
        for (type, body) in [("text/plain", message.text), ("text/html", message.html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: Self.base64Lines(Array(body.utf8)))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// Plain ASCII as is; anything else (or anything that could break the header) as an RFC 2047
    /// encoded word.
    static func encodedWord(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printable && !text.contains("=?") && text.utf8.count <= 200 { return text }
        return "=?UTF-8?B?" + Data(text.utf8.prefix(600)).base64EncodedString() + "?="
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
