public import MoorCore

/// Where notifications go and how: a `moor.dev/v1alpha1` `Provider`, modelled on Flux's
/// `notification.toolkit.fluxcd.io/v1beta3` Provider (`spec.type`, `spec.address`, `spec.secretRef.name`,
/// `spec.channel`, `spec.username`, `spec.suspend`).
public struct NotificationProvider: Sendable, Hashable {
    /// The kind of the resource.
    public static let kind = "Provider"

    /// How a provider delivers.
    public enum ProviderType: String, Sendable, Hashable, CaseIterable {
        /// A JSON `POST` of the event to the address.
        case generic
        /// As ``generic``, signed: an `X-Signature: sha256=<hex>` header, the HMAC-SHA256 of the body
        /// keyed by the Secret's `token`.
        case genericHMAC = "generic-hmac"
        /// A Slack-compatible incoming webhook (`text` and `attachments`).
        case slack
        /// A Microsoft Teams-compatible incoming webhook (a MessageCard).
        case msteams
        /// GitHub commit statuses (`POST /repos/{owner}/{repo}/statuses/{sha}`).
        case github
        /// GitLab commit statuses (`POST /projects/{path}/statuses/{sha}`).
        case gitlab
        /// Gitea commit statuses (`POST /api/v1/repos/{owner}/{repo}/statuses/{sha}`).
        case gitea

        /// Whether it posts commit statuses, which need a revision and a token.
        public var isCommitStatus: Bool { [.github, .gitlab, .gitea].contains(self) }

        /// The address used when neither `spec.address` nor the Secret's `address` gives one: the public
        /// API of GitHub and GitLab; none for the others.
        var defaultAddress: String? {
            switch self {
            case .github: "https://api.github.com"
            case .gitlab: "https://gitlab.com"
            case .generic, .genericHMAC, .slack, .msteams, .gitea: nil
            }
        }
    }

    /// The resource's name.
    public var name: String
    /// The resource's namespace.
    public var namespace: String
    /// How it delivers.
    public var type: ProviderType
    /// The webhook URL, or the API base of a Git host; the Secret's `address` replaces it.
    public var address: String
    /// The Secret (in the same namespace) with `address` and `token`; empty for none.
    public var secretName: String
    /// The channel a Slack message goes to (empty for the webhook's own).
    public var channel: String
    /// The name a Slack message is posted as (empty for the webhook's own).
    public var username: String
    /// Whether delivery is suspended.
    public var suspend: Bool

    /// Creates a provider.
    public init(
        name: String, namespace: String = "", type: ProviderType, address: String = "", secretName: String = "",
        channel: String = "", username: String = "", suspend: Bool = false
    ) {
        self.name = name
        self.namespace = namespace
        self.type = type
        self.address = address
        self.secretName = secretName
        self.channel = channel
        self.username = username
        self.suspend = suspend
    }

    /// Reads a `moor.dev/v1alpha1` Provider manifest. Throws a ``NotificationConfigurationError`` for
    /// another kind, a missing name, a missing or unknown `spec.type`, and for a webhook type without
    /// `spec.address` or `spec.secretRef` (its address may be in the Secret).
    public init(manifest: JSONValue) throws(NotificationConfigurationError) {
        let reader = try ManifestReader(manifest, kind: Self.kind)
        let typeName = reader.string("type")
        guard let type = ProviderType(rawValue: typeName) else {
            let known = ProviderType.allCases.map(\.rawValue).joined(separator: ", ")
            throw reader.error(
                typeName.isEmpty
                    ? "spec.type is missing: set one of \(known)"
                    : "spec.type \"\(typeName)\" is not known: use one of \(known)")
        }
        self.init(
            name: reader.name, namespace: reader.namespace, type: type, address: reader.string("address"),
            secretName: reader.spec[path: "secretRef", "name"]?.stringValue ?? "", channel: reader.string("channel"),
            username: reader.string("username"), suspend: reader.spec["suspend"]?.boolValue ?? false)
        if address.isEmpty, secretName.isEmpty, type.defaultAddress == nil {
            throw reader.error("spec.address is missing: set it, or an address key in the Secret of spec.secretRef")
        }
        if secretName.isEmpty, type.isCommitStatus || type == .genericHMAC {
            throw reader.error("spec.secretRef is missing: a \(type.rawValue) provider needs a Secret with a token")
        }
    }
}

/// Reads the common parts of a `moor.dev/v1alpha1` Provider or Alert manifest, naming the resource in
/// every error.
struct ManifestReader {
    let kind: String
    let name: String
    let namespace: String
    let spec: JSONValue

    /// Checks `manifest` is a `moor.dev/v1alpha1` `kind` with a name.
    init(_ manifest: JSONValue, kind: String) throws(NotificationConfigurationError) {
        let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
        let found = manifest["kind"]?.stringValue ?? ""
        guard apiVersion == Application.apiVersion, found == kind else {
            throw NotificationConfigurationError(
                "expected apiVersion \(Application.apiVersion) and kind \(kind), got "
                    + "\(apiVersion.isEmpty ? "(no apiVersion)" : apiVersion) \(found.isEmpty ? "(no kind)" : found)")
        }
        guard let name = manifest[path: "metadata", "name"]?.stringValue, !name.isEmpty else {
            throw NotificationConfigurationError("the \(kind) has no metadata.name")
        }
        self.kind = kind
        self.name = name
        namespace = manifest[path: "metadata", "namespace"]?.stringValue ?? ""
        spec = manifest["spec"] ?? .emptyObject
    }

    /// The string at `spec.<field>`, empty when absent.
    func string(_ field: String) -> String { spec[field]?.stringValue ?? "" }

    /// An error about this resource.
    func error(_ text: String) -> NotificationConfigurationError {
        NotificationConfigurationError("\(kind) \(name): \(text)")
    }
}
