import Hummingbird

/// The routes of a standby replica's server (``MoorServer/standby(lease:configuration:logger:)``):
/// `GET /healthz` is 200, `GET /readyz` 503, and any other request a JSON 503 that names the lease
/// the replica is waiting for.
struct StandbyRoutes: Sendable {
    /// The leader-election lease, `namespace/name`.
    let lease: String

    /// A router with the routes.
    func router() -> Router<MoorRequestContext> {
        let router = Router(context: MoorRequestContext.self)
        router.get("healthz") { _, _ in MetricsRoutes.plain(.ok, "ok\n") }
        let notLeading = "standby: waiting for the leader-election lease \(lease); the leader serves"
        router.get("readyz") { _, _ in MetricsRoutes.plain(.serviceUnavailable, "not ready: \(notLeading)\n") }
        let error = APIError(
            status: .serviceUnavailable,
            message: "this replica is a \(notLeading) the API, webhooks, metrics and UI: send requests to the "
                + "Service (it routes to the ready replica) or to the replica holding the lease")
        for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete] {
            router.on("**", method: method) { _, _ -> Response in throw error }
        }
        return router
    }
}
