import Foundation
import MoorCore
import MoorYAML

/// The webhook secret of each provider, from `--webhook-secrets-file`. A provider with a secret
/// must prove it on every request (signature or token); a request from a provider without one is
/// refused, unless ``allowsUnsigned`` (`--webhook-allow-unsigned`) accepts it unverified as Argo CD
/// does. The secrets never appear in logs, errors or descriptions.
struct WebhookSecrets: Sendable, CustomStringConvertible {
    private var secrets: [WebhookProvider: [UInt8]]
    /// Whether a provider without a secret is accepted unverified (unsafe: anyone who reaches the
    /// server can trigger refreshes and store pull-request events).
    private(set) var allowsUnsigned = false

    /// No secrets: every webhook is refused.
    static let none = WebhookSecrets(secrets: [:])

    private init(secrets: [WebhookProvider: [UInt8]]) { self.secrets = secrets }

    /// The secret of `provider`; `nil` when none is configured.
    func secret(for provider: WebhookProvider) -> [UInt8]? { secrets[provider] }

    /// These secrets, accepting (`allow`) or refusing a provider without a secret.
    func allowingUnsigned(_ allow: Bool) -> WebhookSecrets {
        var copy = self
        copy.allowsUnsigned = allow
        return copy
    }

    /// The providers with a secret (never the secrets).
    var description: String {
        "webhook secrets for " + secrets.keys.map(\.rawValue).sorted().joined(separator: ", ")
            + (allowsUnsigned ? "; other providers accepted unsigned" : "; other providers refused")
    }

    /// Reads a YAML or JSON mapping from provider (`github`, `gitlab`, `gitea`, `bitbucket`,
    /// `bitbucketserver`) to secret string. An empty string means no secret.
    ///
    /// - Throws: ``WebhookSecretsError`` naming the file and what is wrong (never a secret's value).
    static func load(path: String) throws(WebhookSecretsError) -> WebhookSecrets {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw WebhookSecretsError("cannot read the webhook secrets file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    /// ``load(path:)`` on text already read; `source` names it in errors.
    static func parse(_ text: String, source: String) throws(WebhookSecretsError) -> WebhookSecrets {
        let document: JSONValue
        do { document = try YAMLReader.value(text) } catch {
            throw WebhookSecretsError(
                "the webhook secrets file \(source) is not valid YAML or JSON (line \(error.line))")
        }
        guard let mapping = document.objectValue else {
            throw WebhookSecretsError("the webhook secrets file \(source) must be a mapping such as `github: <secret>`")
        }
        var secrets: [WebhookProvider: [UInt8]] = [:]
        for (key, value) in mapping {
            guard let provider = WebhookProvider(rawValue: key) else {
                let known = WebhookProvider.allCases.map(\.rawValue).joined(separator: ", ")
                throw WebhookSecretsError(
                    "the webhook secrets file \(source) names an unknown provider \"\(key)\": use one of \(known)")
            }
            guard let secret = value.stringValue else {
                throw WebhookSecretsError("the webhook secret of \(key) in \(source) must be a string: quote it")
            }
            if !secret.isEmpty { secrets[provider] = Array(secret.utf8) }
        }
        return WebhookSecrets(secrets: secrets)
    }
}

/// A webhook secrets file that cannot be used; the message says why and what to do, without secrets.
struct WebhookSecretsError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    let description: String

    init(_ description: String) { self.description = description }
}
