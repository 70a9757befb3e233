/// Readiness: a replica that has not read the rollouts would serve every tenant cold starts.
struct RolloutsNotRead: Error, CustomStringConvertible {
    var description: String { "the tenants' rollouts have not been read yet" }
}
