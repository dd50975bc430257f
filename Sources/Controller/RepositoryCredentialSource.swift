public import ChartSource
public import KubeClient
public import Logging
internal import MoorCore

/// Where the repository credentials for remote charts come from: none, a fixed set (the CLI's
/// `--repo-credentials` file), or the credential Secrets of a namespace (the controller's), read
/// again when older than ``SecretCredentials/reuse``; optionally only what one project's applications
/// may use (``visible(to:)``).
public struct RepositoryCredentialSource: Sendable {
    private enum Storage: Sendable {
        case fixed(RepositoryCredentials)
        case secrets(SecretCredentials)
    }

    private let storage: Storage
    /// The project whose applications the credentials are for; `nil` for every credential.
    private var project: String?

    private init(storage: Storage) {
        self.storage = storage
    }

    /// No credentials: public repositories only.
    public static let none = RepositoryCredentialSource(storage: .fixed(RepositoryCredentials()))

    /// Always `credentials`.
    public static func fixed(_ credentials: RepositoryCredentials) -> RepositoryCredentialSource {
        RepositoryCredentialSource(storage: .fixed(credentials))
    }

    /// `base` and the repository credential Secrets (labelled `argocd.argoproj.io/secret-type` or
    /// `moor.dev/secret-type`, `repository` or `repo-creds`) in `namespace`; `base` comes first, so
    /// its exact `repository` entries win over the Secrets'.
    public static func secrets(
        client: KubeClient, namespace: String, base: RepositoryCredentials = .init(), reuse: Duration = .seconds(10),
        logger: Logger = Logger(label: "moor.credentials")
    ) -> RepositoryCredentialSource {
        RepositoryCredentialSource(
            storage: .secrets(
                SecretCredentials(client: client, namespace: namespace, base: base, reuse: reuse, logger: logger)))
    }

    /// The same source, giving only the credentials an application of `project` may use
    /// (``ChartSource/RepositoryCredentials/visible(to:)``).
    public func visible(to project: String) -> RepositoryCredentialSource {
        var scoped = self
        scoped.project = project
        return scoped
    }

    /// The credentials now.
    public func current() async throws -> RepositoryCredentials {
        let credentials =
            switch storage {
            case .fixed(let credentials): credentials
            case .secrets(let secrets): try await secrets.current()
            }
        return project.map(credentials.visible(to:)) ?? credentials
    }
}

/// The credential Secrets of one namespace, listed at most once per ``reuse``.
public actor SecretCredentials {
    /// How long one listing serves.
    public let reuse: Duration
    private let client: KubeClient
    private let namespace: String
    private let base: RepositoryCredentials
    private let logger: Logger
    private var last: (credentials: RepositoryCredentials, at: ContinuousClock.Instant)?

    init(client: KubeClient, namespace: String, base: RepositoryCredentials, reuse: Duration, logger: Logger) {
        self.client = client
        self.namespace = namespace
        self.base = base
        self.reuse = reuse
        self.logger = logger
    }

    /// The credentials, listed again when the last listing is older than ``reuse``. A listing that
    /// fails (the API server is down, or Secrets may not be listed there) keeps the last one, or
    /// without one the base credentials alone, with a warning, until the next try ``reuse`` later; a
    /// malformed credential Secret is an error naming it.
    func current() async throws -> RepositoryCredentials {
        if let last, last.at.duration(to: .now) < reuse { return last.credentials }
        do {
            let resource = try await client.resource(apiVersion: "v1", kind: "Secret")
            var secrets: [JSONValue] = []
            for label in RepositoryCredential.secretTypeLabels {
                let listed = try await client.listAll(
                    resource, namespace: namespace,
                    options: ListOptions(labelSelector: "\(label) in (repository,repo-creds)"))
                secrets += listed.items
            }
            let credentials = RepositoryCredentials(
                base.entries + (try RepositoryCredentials(secrets: secrets)).entries)
            last = (credentials, .now)
            return credentials
        } catch let error as KubeAPIError {
            let kept = last?.credentials ?? base
            logger.warning(
                "listing repository credential Secrets failed; using the last listing",
                metadata: ["namespace": "\(namespace)", "error": "\(error)"])
            last = (kept, .now)
            return kept
        }
    }
}
