internal import Foundation
public import MoorCore

extension RepositoryCredential {
    /// The labels that mark a Secret as a repository credential: Argo CD's and Moor's spelling.
    public static let secretTypeLabels = ["argocd.argoproj.io/secret-type", "moor.dev/secret-type"]

    /// The credential a Secret holds, in Argo CD's format: labelled `…/secret-type: repository` (one
    /// repository) or `repo-creds` (a URL prefix), fields under `data` (base64) or `stringData` (as
    /// written in a file; it wins over `data`). `nil` for a Secret of another type; throws when a
    /// credential Secret has no `url` or a field that is not base64 (naming the Secret and field, never
    /// a value).
    public init?(secret: JSONValue) throws(ChartSourceError) {
        let labels = secret[path: "metadata", "labels"]
        guard let type = Self.secretTypeLabels.lazy.compactMap({ labels?[$0]?.stringValue }).first,
            let scope: Scope = type == "repository" ? .repository : type == "repo-creds" ? .prefix : nil
        else { return nil }
        let name = secret[path: "metadata", "name"]?.stringValue ?? ""
        var fields: [String: String] = [:]
        if case .object(let data)? = secret[path: "data"] {
            for (key, value) in data {
                guard let encoded = value.stringValue, let decoded = Data(base64Encoded: encoded),
                    let text = String(data: decoded, encoding: .utf8)
                else {
                    throw ChartSourceError(.invalidReference, "Secret \(name): data.\(key) is not base64-encoded text")
                }
                fields[key] = text
            }
        }
        if case .object(let data)? = secret[path: "stringData"] {
            for (key, value) in data { fields[key] = value.stringValue ?? "" }
        }
        guard let url = fields["url"], !url.isEmpty else {
            throw ChartSourceError(.invalidReference, "Secret \(name) is a repository credential without url")
        }
        let flag = { (key: String) in fields[key]?.lowercased() == "true" }
        self.init(
            url: url, scope: scope, kind: fields["type"] == "helm" || flag("enableOCI") ? .helm : .git,
            name: fields["name"] ?? "", username: fields["username"] ?? "", password: fields["password"] ?? "",
            sshPrivateKey: fields["sshPrivateKey"] ?? "", tlsClientCertificate: fields["tlsClientCertData"] ?? "",
            tlsClientKey: fields["tlsClientCertKey"] ?? "", insecure: flag("insecure"), enableOCI: flag("enableOCI"),
            insecureOCIForceHTTP: flag("insecureOCIForceHttp"), project: fields["project"] ?? "")
    }
}

extension RepositoryCredentials {
    /// The credentials among `secrets` (Secret objects of any type; others are skipped).
    public init(secrets: [JSONValue]) throws(ChartSourceError) {
        var entries: [RepositoryCredential] = []
        for secret in secrets {
            if let credential = try RepositoryCredential(secret: secret) { entries.append(credential) }
        }
        self.init(entries)
    }
}
