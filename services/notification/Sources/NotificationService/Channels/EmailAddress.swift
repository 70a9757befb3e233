/// The addresses the service sends to: a practical subset of RFC 5321's `Mailbox` — a dot-atom
/// local part and a domain of letters, digits and hyphens — with no quoting, comments, spaces or
/// line breaks, so an address can never add a header or an SMTP command.
enum EmailAddress {
    static let maximumLength = 254

    static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= maximumLength else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last else { return false }
        guard (1...64).contains(local.utf8.count), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        guard local.unicodeScalars.allSatisfy({ localCharacters.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { domainCharacters.contains($0) }
        }
    }

    private static let alphanumerics = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".unicodeScalars)
    private static let localCharacters = alphanumerics.union("!#$%&'*+/=?^_`{|}~.-".unicodeScalars)
    private static let domainCharacters = alphanumerics.union("-".unicodeScalars)
}
