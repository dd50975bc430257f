internal import Crypto
internal import MoorCore

extension NotificationRequest {
    /// The body of a `generic` or `generic-hmac` webhook: the event in Flux's event shape
    /// (`involvedObject`, `severity`, `timestamp`, `message`, `reason`, `metadata`, `reportingController`),
    /// `metadata` holding `revision`, `commitSubject`, `commitAuthor`, `url` and (for a preview) `pullRequest`
    /// when known.
    static func generic(_ event: NotificationEvent) -> JSONValue {
        var metadata = JSONObject()
        for (key, value) in [
            ("revision", event.revision), ("commitSubject", event.commitSubject),
            ("commitAuthor", event.commitAuthor), ("url", event.url ?? ""),
            ("pullRequest", event.pullRequest.map(String.init) ?? ""),
        ] where !value.isEmpty {
            metadata[key] = .string(value)
        }
        return [
            "involvedObject": [
                "apiVersion": .string(Application.apiVersion), "kind": .string(Application.kind),
                "namespace": .string(event.namespace), "name": .string(event.application),
            ],
            "severity": .string(event.kind.severity.rawValue), "timestamp": .string(timestamp(event.timestamp)),
            "message": .string(event.message), "reason": .string(event.kind.rawValue), "metadata": .object(metadata),
            "reportingController": "moor-controller",
        ]
    }

    /// The lowercase hex HMAC-SHA256 of `body` keyed by `key` (the `X-Signature` of `generic-hmac`).
    static func signature(_ body: [UInt8], key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(key.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// A Slack incoming-webhook message: `text` (the title), one attachment coloured by severity with the
    /// message and the facts as fields; `channel` and `username` when the provider sets them.
    static func slack(_ event: NotificationEvent, provider: NotificationProvider) -> JSONValue {
        var attachment: JSONValue = [
            "color": event.kind.severity == .error ? "danger" : "good",
            "author_name": .string("Application/\(event.namespace)/\(event.application)"),
            "title": .string(title(event)), "text": .string(event.message), "mrkdwn_in": ["text"],
            "fields": .array(
                facts(event).map { ["title": .string($0.name), "value": .string($0.value), "short": false] }),
        ]
        if let url = event.url { attachment["title_link"] = .string(url) }
        var message: JSONValue = ["text": .string(title(event)), "attachments": [attachment]]
        if !provider.channel.isEmpty { message["channel"] = .string(provider.channel) }
        if !provider.username.isEmpty { message["username"] = .string(provider.username) }
        return message
    }

    /// A Microsoft Teams incoming-webhook MessageCard, as Flux's `msteams` provider sends: a summary, one
    /// section with the title, message and facts, red for errors, and an "Open in Moor" action with the link.
    static func teams(_ event: NotificationEvent) -> JSONValue {
        var card: JSONValue = [
            "@type": "MessageCard", "@context": "https://schema.org/extensions",
            "themeColor": event.kind.severity == .error ? "FF0000" : "0076D7", "summary": .string(title(event)),
            "sections": [
                [
                    "activityTitle": .string(title(event)), "activitySubtitle": .string(event.message),
                    "markdown": false,
                    "facts": .array(facts(event).map { ["name": .string($0.name), "value": .string($0.value)] }),
                ]
            ],
        ]
        if let url = event.url {
            card["potentialAction"] = [
                ["@type": "OpenUri", "name": "Open in Moor", "targets": [["os": "default", "uri": .string(url)]]]
            ]
        }
        return card
    }
}
