/// An operator with the stored password hash, as the login path needs it.
struct OperatorCredentials: Sendable {
    var account: Operator
    /// scrypt PHC string (`PasswordHasher`).
    var passwordHash: String
}
