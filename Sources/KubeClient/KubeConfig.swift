internal import Foundation
internal import MoorCore
internal import MoorYAML

/// A parsed kubeconfig: clusters, users and contexts by name, and the current context.
///
/// Several files merge the way kubectl merges `KUBECONFIG`: the first file that sets a
/// cluster, user or context name (or `current-context`) wins.
public struct KubeConfig: Sendable, Hashable {
    /// Clusters by name.
    public var clusters: [String: Cluster] = [:]
    /// Users (credentials) by name.
    public var users: [String: User] = [:]
    /// Contexts by name.
    public var contexts: [String: Context] = [:]
    /// The context used when none is named.
    public var currentContext: String?

    /// Creates an empty configuration.
    public init() {}

    /// One API server.
    public struct Cluster: Sendable, Hashable {
        /// `https://host:port`, optionally with a path prefix.
        public var server: String
        /// PEM bytes of the CA bundle that signs the serving certificate.
        public var certificateAuthority: [UInt8]?
        /// Skip verifying the server certificate (`insecure-skip-tls-verify`).
        public var insecureSkipTLSVerify = false
        /// SNI / verification name to use instead of the URL's host.
        public var tlsServerName: String?

        /// Creates a cluster entry.
        public init(server: String, certificateAuthority: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
        }
    }

    /// Credentials for an API server.
    public struct User: Sendable, Hashable {
        /// PEM client certificate.
        public var clientCertificate: [UInt8]?
        /// PEM private key of the client certificate.
        public var clientKey: [UInt8]?
        /// A bearer token.
        public var token: String?
        /// A file holding a bearer token, re-read when it changes (projected service-account tokens).
        public var tokenFile: String?
        /// HTTP basic auth user name.
        public var username: String?
        /// HTTP basic auth password.
        public var password: String?
        /// An exec credential plugin.
        public var exec: ExecPlugin?

        /// Creates an empty user (anonymous).
        public init() {}
    }

    /// An exec credential plugin (`client.authentication.k8s.io` v1 or v1beta1).
    public struct ExecPlugin: Sendable, Hashable {
        /// The command to run (looked up in `PATH` when it has no slash).
        public var command: String
        /// Its arguments.
        public var args: [String] = []
        /// Extra environment variables.
        public var env: [String: String] = [:]
        /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
        public var apiVersion: String
        /// Whether to pass the cluster to the plugin in `KUBERNETES_EXEC_INFO`.
        public var provideClusterInfo = false

        /// Creates a plugin description.
        public init(command: String, args: [String] = [], env: [String: String] = [:], apiVersion: String) {
            self.command = command
            self.args = args
            self.env = env
            self.apiVersion = apiVersion
        }
    }

    /// A cluster, a user and a default namespace.
    public struct Context: Sendable, Hashable {
        /// Name of the cluster entry.
        public var cluster: String
        /// Name of the user entry.
        public var user: String
        /// Default namespace; `default` when unset.
        public var namespace: String?

        /// Creates a context.
        public init(cluster: String, user: String, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }
}

/// Everything needed to talk to one API server: the result of choosing a kubeconfig context.
public struct ClusterConnection: Sendable, Hashable {
    /// The API server's base URL without a trailing slash.
    public var server: String
    /// Server CA bundle (PEM); `nil` uses the system trust store.
    public var certificateAuthority: [UInt8]?
    /// Skip server certificate verification.
    public var insecureSkipTLSVerify: Bool
    /// Name to verify the server certificate against instead of the URL host.
    public var tlsServerName: String?
    /// Credentials.
    public var user: KubeConfig.User
    /// The namespace used when an object names none.
    public var namespace: String
    /// The context this came from (for messages), e.g. `admin@moor-default`.
    public var contextName: String

    /// Creates a connection description.
    public init(
        server: String, certificateAuthority: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil, user: KubeConfig.User = .init(), namespace: String = "default",
        contextName: String = ""
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.user = user
        self.namespace = namespace
        self.contextName = contextName
    }
}

/// A kubeconfig that cannot be used; the message names the file or entry and what to fix.
public struct KubeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension KubeConfig {
    /// Parses one kubeconfig file's text. Relative file paths inside resolve against `baseDirectory`.
    public init(yaml text: String, baseDirectory: String, origin: String = "kubeconfig") throws(KubeConfigError) {
        let root: JSONValue
        do {
            root = try YAMLReader.value(text)
        } catch {
            throw KubeConfigError("\(origin): not valid YAML (\(error))")
        }
        self.init()
        let reader = KubeConfigReader(baseDirectory: baseDirectory, origin: origin)
        for entry in root["clusters"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let cluster = entry["cluster"] else { continue }
            clusters[name] = try reader.cluster(cluster, name: name)
        }
        for entry in root["users"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue else { continue }
            users[name] = try reader.user(entry["user"] ?? .emptyObject, name: name)
        }
        for entry in root["contexts"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let context = entry["context"] else { continue }
            contexts[name] = Context(
                cluster: context["cluster"]?.stringValue ?? "",
                user: context["user"]?.stringValue ?? "",
                namespace: context["namespace"]?.stringValue
            )
        }
        if let current = root["current-context"]?.stringValue, !current.isEmpty { currentContext = current }
    }

    /// Reads and merges kubeconfig files in order (first definition of a name wins).
    public static func load(files: [String]) throws(KubeConfigError) -> KubeConfig {
        var merged = KubeConfig()
        var readAny = false
        for file in files where !file.isEmpty {
            guard FileManager.default.fileExists(atPath: file) else { continue }
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw KubeConfigError("\(file): cannot be read (\(error.localizedDescription))")
            }
            let config = try KubeConfig(
                yaml: text, baseDirectory: (file as NSString).deletingLastPathComponent, origin: file)
            merged.merge(config)
            readAny = true
        }
        guard readAny else {
            throw KubeConfigError(
                "no kubeconfig found at \(files.joined(separator: ":")); set KUBECONFIG or --kubeconfig")
        }
        return merged
    }

    /// Loads what kubectl would: the files in `KUBECONFIG` (colon-separated), else `~/.kube/config`.
    public static func loadDefault(environment: [String: String]? = nil)
        throws(KubeConfigError) -> KubeConfig
    {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return try load(files: list.split(separator: ":").map(String.init))
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return try load(files: ["\(home)/.kube/config"])
    }

    /// Adds entries of `other` whose names are not yet defined here.
    public mutating func merge(_ other: KubeConfig) {
        clusters.merge(other.clusters) { mine, _ in mine }
        users.merge(other.users) { mine, _ in mine }
        contexts.merge(other.contexts) { mine, _ in mine }
        if currentContext == nil { currentContext = other.currentContext }
    }

    /// The connection for `context` (default: the current context).
    public func connection(context name: String? = nil) throws(KubeConfigError) -> ClusterConnection {
        guard let contextName = name ?? currentContext else {
            throw KubeConfigError("the kubeconfig has no current-context; name a context with --context")
        }
        guard let context = contexts[contextName] else {
            let known = contexts.keys.sorted().joined(separator: ", ")
            throw KubeConfigError("context \"\(contextName)\" is not in the kubeconfig (known: \(known))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw KubeConfigError(
                "context \"\(contextName)\" names cluster \"\(context.cluster)\", which is not defined")
        }
        let user: User
        if context.user.isEmpty {
            user = User()
        } else if let found = users[context.user] {
            user = found
        } else {
            throw KubeConfigError("context \"\(contextName)\" names user \"\(context.user)\", which is not defined")
        }
        return ClusterConnection(
            server: cluster.server, certificateAuthority: cluster.certificateAuthority,
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify, tlsServerName: cluster.tlsServerName, user: user,
            namespace: context.namespace ?? "default", contextName: contextName)
    }
}

/// Reads cluster and user entries, resolving `*-data` (base64) and file references.
private struct KubeConfigReader {
    let baseDirectory: String
    let origin: String

    func cluster(_ value: JSONValue, name: String) throws(KubeConfigError) -> KubeConfig.Cluster {
        guard let server = value["server"]?.stringValue, !server.isEmpty else {
            throw KubeConfigError("\(origin): cluster \"\(name)\" has no server")
        }
        var cluster = KubeConfig.Cluster(server: server)
        cluster.certificateAuthority = try bytes(
            data: value["certificate-authority-data"], file: value["certificate-authority"],
            what: "cluster \"\(name)\" CA")
        cluster.insecureSkipTLSVerify = value["insecure-skip-tls-verify"]?.boolValue ?? false
        cluster.tlsServerName = value["tls-server-name"]?.stringValue
        return cluster
    }

    func user(_ value: JSONValue, name: String) throws(KubeConfigError) -> KubeConfig.User {
        var user = KubeConfig.User()
        user.clientCertificate = try bytes(
            data: value["client-certificate-data"], file: value["client-certificate"],
            what: "user \"\(name)\" client certificate")
        user.clientKey = try bytes(
            data: value["client-key-data"], file: value["client-key"], what: "user \"\(name)\" client key")
        user.token = value["token"]?.stringValue
        user.tokenFile = value["tokenFile"]?.stringValue.map(resolve)
        user.username = value["username"]?.stringValue
        user.password = value["password"]?.stringValue
        if let exec = value["exec"], exec.objectValue != nil {
            guard let command = exec["command"]?.stringValue else {
                throw KubeConfigError("\(origin): user \"\(name)\" exec plugin has no command")
            }
            var env: [String: String] = [:]
            for item in exec["env"]?.arrayValue ?? [] {
                if let k = item["name"]?.stringValue, let v = item["value"]?.stringValue { env[k] = v }
            }
            var plugin = KubeConfig.ExecPlugin(
                command: command.contains("/") ? resolve(command) : command,
                args: exec["args"]?.arrayValue?.compactMap(\.stringValue) ?? [], env: env,
                apiVersion: exec["apiVersion"]?.stringValue ?? "client.authentication.k8s.io/v1")
            plugin.provideClusterInfo = exec["provideClusterInfo"]?.boolValue ?? false
            user.exec = plugin
        }
        if (user.clientCertificate == nil) != (user.clientKey == nil) {
            throw KubeConfigError("\(origin): user \"\(name)\" needs both a client certificate and a client key")
        }
        return user
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : "\(baseDirectory)/\(path)"
    }

    func bytes(data: JSONValue?, file: JSONValue?, what: String) throws(KubeConfigError) -> [UInt8]? {
        if let encoded = data?.stringValue, !encoded.isEmpty {
            guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw KubeConfigError("\(origin): \(what) data is not valid base64")
            }
            return Array(decoded)
        }
        if let path = file?.stringValue, !path.isEmpty {
            let full = resolve(path)
            guard let contents = FileManager.default.contents(atPath: full) else {
                throw KubeConfigError("\(origin): \(what) file \(full) cannot be read")
            }
            return Array(contents)
        }
        return nil
    }
}
