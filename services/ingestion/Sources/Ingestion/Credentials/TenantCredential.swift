/// Who is writing, as established by a verified credential: the tenant (never taken from a
/// request body) and the request rate it may send.
struct TenantCredential: Sendable, Equatable {
    var tenantID: String
    var requestsPerSecondLimit: Int
}
