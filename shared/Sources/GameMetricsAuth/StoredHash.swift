/// A parsed `$scrypt$ln=…,r=…,p=…$<salt>$<key>` string. Parsing is strict (exact field order,
/// plain decimal digits, canonical base64, bounded sizes) because the result drives how much
/// memory and CPU `verify` spends.
struct StoredHash: Sendable {
    let cost: ScryptCost
    let salt: [UInt8]
    let key: [UInt8]

    init?(_ encoded: String) {
        // Far longer than any string we write; stops pathological input before any work.
        guard encoded.utf8.count <= 512 else { return nil }
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else { return nil }

        let parameters = fields[2].split(separator: ",", omittingEmptySubsequences: false)
        guard parameters.count == 3,
            let logN = Self.value(of: "ln", in: parameters[0]),
            let r = Self.value(of: "r", in: parameters[1]),
            let p = Self.value(of: "p", in: parameters[2]),
            let cost = ScryptCost(logN: logN, r: r, p: p)
        else { return nil }

        let b64 = Base64URL.Alphabet.standard
        guard let salt = b64.decode(fields[3]), PasswordHasher.storedSaltBytes.contains(salt.count),
            let key = b64.decode(fields[4]), PasswordHasher.storedKeyBytes.contains(key.count)
        else { return nil }

        self.cost = cost
        self.salt = salt
        self.key = key
    }

    /// Parses `name=digits`, at most 3 digits, no sign, no leading zero.
    private static func value(of name: String, in field: Substring) -> Int? {
        let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == name else { return nil }
        let digits = parts[1]
        guard (1...3).contains(digits.count),
            digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits.first != "0"
        else { return nil }
        return Int(digits)
    }
}
