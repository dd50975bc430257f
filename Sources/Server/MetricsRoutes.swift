import Controller
import Hummingbird
import NIOCore

/// `GET /metrics` (Prometheus text format 0.0.4, ``MetricsExposition``), `GET /healthz` (200 `ok`
/// while the process serves) and `GET /readyz` (200 `ok` once the controller has started and its
/// live-object cache has listed what it watches, else 503). None needs a token. The server's router
/// calls ``add(to:)`` once.
struct MetricsRoutes: Sendable {
    /// The controller measured.
    let controller: ApplicationController

    /// Adds the routes to `router`.
    func add(to router: Router<MoorRequestContext>) {
        router.get("metrics") { _, _ in
            let text = MetricsExposition.text(await controller.metricsSnapshot())
            return Response(
                status: .ok, headers: [.contentType: MetricsText.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("healthz") { _, _ in Self.plain(.ok, "ok\n") }
        router.get("readyz") { _, _ in
            await controller.isReady()
                ? Self.plain(.ok, "ok\n")
                : Self.plain(.serviceUnavailable, "not ready: the controller has not started or is listing objects\n")
        }
    }

    /// A `text/plain` response.
    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
