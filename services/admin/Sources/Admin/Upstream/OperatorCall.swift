import GameMetricsHTTP

/// Who a call to another service is made for: the signed-in operator's access token, and the
/// request's trace, which the call carries on (`traceparent`).
struct OperatorCall: Sendable {
    let token: String
    let trace: String?

    init(_ signedIn: SignedIn, _ context: AppRequestContext) {
        token = signedIn.session.accessToken
        trace = context.trace.description
    }
}
