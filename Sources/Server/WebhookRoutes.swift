import Hummingbird
import NIOCore

/// `POST /api/webhook`: the HTTP side of a ``WebhookReceiver`` (no bearer token; the providers'
/// secrets protect it). The server's router calls ``add(to:)`` once.
struct WebhookRoutes: Sendable {
    /// Handles the requests.
    let receiver: WebhookReceiver

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
        do {
            let body = try await request.body.collect(upTo: WebhookReceiver.maxBodyBytes)
            answer = await receiver.receive(headers: headers, body: Array(body.readableBytesView))
        } catch is NIOTooManyBytesError { answer = WebhookReceiver.tooLarge } catch {
            answer = WebhookReceiver.answer(.badRequest("the webhook body could not be read: \(error)"))
        }
        return APIResponse.json(answer.body, status: .init(code: answer.status))
    }
}
