internal import Foundation
internal import MoorCore

/// One HTTP `POST` a provider sends for an event: built by ``NotificationRequest/init(event:endpoint:)``
/// (pure), sent by the ``Notifier``.
public struct NotificationRequest: Sendable, Hashable {
    /// Where to send it. May hold a secret (a webhook's URL is one): never log it.
    public var url: String
    /// The headers, `Content-Type` included. May hold a token: never log them.
    public var headers: [String: String]
    /// The JSON body.
    public var body: [UInt8]

    /// Creates a request.
    public init(url: String, headers: [String: String], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A JSON `POST` of `body` to `url` with `headers` besides `Content-Type`.
    init(url: String, json body: JSONValue, headers: [String: String] = [:]) {
        self.init(
            url: url, headers: headers.merging(["Content-Type": "application/json"]) { $1 }, body: body.jsonBytes())
    }

    /// The request `endpoint` sends for `event`, formatted as its provider type wants it; `nil` when that
    /// type has nothing to say about the event: a commit status for an event that sets no state
    /// (``CommitState/init(_:)``), or for a revision that is not a commit or a repository whose owner and
    /// name cannot be read from the application's `repoURL`.
    public init?(event: NotificationEvent, endpoint: ProviderEndpoint) {
        switch endpoint.provider.type {
        case .generic:
            self.init(url: endpoint.address, json: Self.generic(event))
        case .genericHMAC:
            let body = Self.generic(event).jsonBytes()
            self.init(
                url: endpoint.address,
                headers: [
                    "Content-Type": "application/json",
                    "X-Signature": "sha256=" + Self.signature(body, key: endpoint.token),
                ], body: body)
        case .slack:
            self.init(url: endpoint.address, json: Self.slack(event, provider: endpoint.provider))
        case .msteams:
            self.init(url: endpoint.address, json: Self.teams(event))
        case .github, .gitlab, .gitea:
            guard let request = Self.commitStatus(event, endpoint: endpoint) else { return nil }
            self = request
        }
    }

    /// Every request `endpoint` sends for `event`: the one ``init(event:endpoint:)`` builds and, for a preview
    /// sent to a Git host, the comment on its pull request (``pullRequestComment(_:endpoint:)``).
    public static func requests(for event: NotificationEvent, endpoint: ProviderEndpoint) -> [NotificationRequest] {
        [NotificationRequest(event: event, endpoint: endpoint), pullRequestComment(event, endpoint: endpoint)]
            .compactMap { $0 }
    }

    /// The title of an event: `<application>: <kind>`.
    static func title(_ event: NotificationEvent) -> String { "\(event.application): \(event.kind.rawValue)" }

    /// The revision, commit, pull request and link of an event as name–value pairs, the empty ones left out.
    static func facts(_ event: NotificationEvent) -> [(name: String, value: String)] {
        [
            ("revision", event.revision), ("commit", event.commitSubject), ("author", event.commitAuthor),
            ("pull request", event.pullRequest.map { "#\($0)" } ?? ""), ("url", event.url ?? ""),
        ].filter { !$0.1.isEmpty }
    }

    /// An RFC 3339 timestamp in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }
}
