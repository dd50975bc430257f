import Hummingbird
import NIOCore

/// `POST /api/webhook`: the HTTP side of a ``WebhookReceiver`` (no bearer token; the providers'
/// secrets protect it). The server's router calls ``add(to:)`` once.
struct WebhookRoutes: Sendable {
    /// Handles the requests.
    let receiver: WebhookReceiver
    /// How long a body may take to arrive whole.
    let bodyTimeout: Duration

    /// Adds the route to `router`.
    func add(to router: Router<MoorRequestContext>) {
        router.post("api/webhook") { request, _ in await handle(request) }
    }

    private func handle(_ request: Request) async -> Response {
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        let answer: WebhookReceiver.Answer
        switch await RequestBodyReader.collect(request.body, upTo: WebhookReceiver.maxBodyBytes, within: bodyTimeout) {
        case .success(let body): answer = await receiver.receive(headers: headers, body: Array(body.readableBytesView))
        case .failure(.tooLarge): answer = WebhookReceiver.tooLarge
        case .failure(.timedOut):
            answer = WebhookReceiver.answer(.requestTimeout("the webhook body did not arrive within \(bodyTimeout)"))
        case .failure(.unreadable(let reason)):
            answer = WebhookReceiver.answer(.badRequest("the webhook body could not be read: \(reason)"))
        }
        return APIResponse.json(answer.body, status: .init(code: answer.status))
    }
}
