import Controller
import Foundation
import GitSource
import Logging
import MoorCore

/// Handles `POST /api/webhook`: recognises the provider, checks its secret, and for a push refreshes
/// at once every application the push concerns (``WebhookMatcher``). Pull-request events are kept in
/// ``pullRequests``, and an opened or updated one is previewed (``preview``); pings and other events are
/// acknowledged. Independent of HTTP, so every rule is
/// testable without a server.
///
/// Answers: push → 200 `{"refreshed":[names]}`; ping or other event → 200 `{"refreshed":[]}`; pull
/// request → 202 `{"refreshed":[]}`; unknown sender or malformed JSON → 400; a provider whose secret
/// is configured and not proven → 401 and nothing refreshed; a provider with no secret configured →
/// 403 and nothing refreshed, unless the secrets allow unsigned webhooks; a body over ``maxBodyBytes`` → 413.
struct WebhookReceiver: Sendable {
    /// The largest body accepted (GitHub caps its payloads at 25 MB; pushes are far smaller).
    static let maxBodyBytes = 5 << 20

    /// An answer: HTTP status and JSON body.
    struct Answer: Sendable, Equatable {
        /// The HTTP status code.
        var status: Int
        /// The body.
        var body: JSONValue
    }

    /// The providers' secrets.
    let secrets: WebhookSecrets
    /// Where pull-request events go.
    let pullRequests: WebhookPullRequests
    /// The registered applications, by name.
    let applications: @Sendable () async -> [String: Application]
    /// Queues a reconcile of one application.
    let refresh: @Sendable (String) async -> Void
    /// Starts the preview of an opened or updated pull request (repository URL, head ref, number) and
    /// returns at once; called with a `nil` ref for a closed one, whose preview is forgotten.
    let preview: @Sendable (_ repository: String, _ revision: String?, _ number: Int) async -> Void
    /// Receives one line per request, without secrets or payloads.
    let logger: Logger

    /// A receiver that refreshes `controller`'s applications and keeps the previews of pull requests in
    /// `previews`.
    init(controller: ApplicationController, secrets: WebhookSecrets, previews: PreviewStore, logger: Logger) {
        self.init(
            secrets: secrets, pullRequests: WebhookPullRequests(), applications: { await controller.applications() },
            refresh: { await controller.refresh($0) },
            preview: { repository, revision, number in
                guard let revision else { return await previews.remove(repository, number: number) }
                Task {
                    let preview = await controller.preview(.init(repository: repository, revision: revision))
                    await previews.keep(preview, number: number, notifying: controller)
                }
            }, logger: logger)
    }

    /// A receiver over any application source, for tests.
    init(
        secrets: WebhookSecrets, pullRequests: WebhookPullRequests,
        applications: @escaping @Sendable () async -> [String: Application],
        refresh: @escaping @Sendable (String) async -> Void,
        preview: @escaping @Sendable (String, String?, Int) async -> Void = { _, _, _ in }, logger: Logger
    ) {
        self.secrets = secrets
        self.pullRequests = pullRequests
        self.applications = applications
        self.refresh = refresh
        self.preview = preview
        self.logger = logger
    }

    /// Handles one request with `headers` (any case) and `body`.
    func receive(headers: [String: String], body: [UInt8]) async -> Answer {
        let headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        guard body.count <= Self.maxBodyBytes else { return Self.tooLarge }
        guard let (provider, event) = WebhookProvider.detect(headers) else {
            return Self.answer(
                .badRequest(
                    "not a webhook Moor knows: expected an X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event, "
                        + "X-Forgejo-Event or X-Event-Key (Bitbucket) header"))
        }
        guard let secret = secrets.secret(for: provider) else {
            if !secrets.allowsUnsigned {
                logger.warning(
                    "webhook refused: no secret configured for its provider",
                    metadata: ["provider": "\(provider.rawValue)", "event": "\(event)"])
                return Self.answer(
                    .forbidden(
                        "no secret is configured for \(provider.rawValue) webhooks, so this one cannot be verified: "
                            + "set \(provider.rawValue)'s secret in --webhook-secrets-file and at the Git host, or "
                            + "start Moor with --webhook-allow-unsigned (unsafe)"))
            }
            return await accept(provider: provider, event: event, headers: headers, body: body)
        }
        guard WebhookSignature.isValid(headers, body: body, secret: secret, provider: provider) else {
            logger.warning(
                "webhook refused: signature or token missing or wrong",
                metadata: ["provider": "\(provider.rawValue)", "event": "\(event)"])
            return Self.answer(
                .unauthorized(
                    "the \(provider.rawValue) webhook's signature or token is missing or does not match its secret: "
                        + "set the same secret at the Git host and in --webhook-secrets-file"))
        }
        return await accept(provider: provider, event: event, headers: headers, body: body)
    }

    /// Handles a verified (or, when allowed, unsigned) request: refreshes for a push, stores a pull request.
    private func accept(provider: WebhookProvider, event: String, headers: [String: String], body: [UInt8]) async
        -> Answer
    {
        let kind = provider.kind(of: event)
        guard kind == .push || kind == .pullRequest else { return Answer(status: 200, body: ["refreshed": []]) }
        let payload: JSONValue
        do { payload = try JSONValue(parsing: Self.json(in: body, contentType: headers["content-type"])) } catch {
            return Self.answer(.badRequest("the \(provider.rawValue) \(event) payload is not JSON: \(error)"))
        }
        guard kind == .push else {
            let pullRequest = WebhookPayload.pullRequest(payload, from: provider, event: event, receivedAt: Date())
            await pullRequests.add(pullRequest)
            await startPreview(of: pullRequest)
            return Answer(status: 202, body: ["refreshed": []])
        }
        let push = WebhookPayload.push(payload, from: provider)
        let names = WebhookMatcher.applications(await applications(), matching: push)
        for name in names { await refresh(name) }
        let repository = push.repositoryURLs.lazy.compactMap { try? GitRepositoryURL($0) }.first
        logger.info(
            "webhook push",
            metadata: [
                "provider": "\(provider.rawValue)", "repository": "\(repository?.redacted ?? "")",
                "refs": "\(push.refs.joined(separator: " "))", "refreshed": "\(names.joined(separator: ", "))",
            ])
        return Answer(status: 200, body: ["refreshed": .array(names.map { .string($0) })])
    }

    /// Starts the preview of `pullRequest` when it was opened or updated (forgets it when closed), for the
    /// repository URL of its payload that a registered application names; nothing for other actions or
    /// repositories no application uses.
    private func startPreview(of pullRequest: WebhookPullRequest) async {
        let change = pullRequest.change
        guard change != .other, pullRequest.number > 0 else { return }
        let used = Set(
            await applications().values.flatMap(\.spec.allSources).compactMap {
                (try? GitRepositoryURL($0.repoURL))?.identity
            })
        guard
            let repository = pullRequest.repositoryURLs.first(where: {
                (try? GitRepositoryURL($0)).map { used.contains($0.identity) } ?? false
            })
        else { return }
        await preview(repository, change == .updated ? pullRequest.headRef : nil, pullRequest.number)
        logger.info(
            "webhook pull request",
            metadata: [
                "provider": "\(pullRequest.provider.rawValue)", "number": "\(pullRequest.number)",
                "action": "\(pullRequest.action)",
                "preview": "\(change == .updated ? pullRequest.headRef : "forgotten")",
            ])
    }

    /// The JSON of a body: the body itself, or for a form-encoded body (GitHub's
    /// `application/x-www-form-urlencoded` content type) its `payload` field.
    static func json(in body: [UInt8], contentType: String?) -> [UInt8] {
        guard contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else { return body }
        let field = String(decoding: body, as: UTF8.self).split(separator: "&").first { $0.hasPrefix("payload=") }
        let payload = field?.dropFirst("payload=".count).replacingOccurrences(of: "+", with: " ")
            .removingPercentEncoding
        return Array((payload ?? "").utf8)
    }

    /// The answer for a body over ``maxBodyBytes``.
    static let tooLarge = answer(
        APIError(status: .contentTooLarge, message: "the webhook body is larger than \(maxBodyBytes) bytes"))

    /// The answer for `error`: its status and the API's error body.
    static func answer(_ error: APIError) -> Answer { Answer(status: error.status.code, body: error.json) }
}
