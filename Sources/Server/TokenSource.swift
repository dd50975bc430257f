import Foundation
import KubeClient
import MoorCore

/// Where the API tokens come from (the document format is in the README).
public enum TokenSource: Sendable, Hashable, CustomStringConvertible {
    /// A YAML or JSON file.
    case file(String)
    /// The key `tokens.yaml` of a Secret in the controller's cluster.
    case secret(namespace: String, name: String)

    /// The key of the Secret that holds the document.
    public static let secretKey = "tokens.yaml"

    /// Where, for logs and errors.
    public var description: String {
        switch self {
        case .file(let path): "tokens file \(path)"
        case .secret(let namespace, let name): "Secret \(namespace)/\(name)"
        }
    }

    /// Reads and parses the tokens; `client` reads a Secret. Errors say what to fix, never a token.
    func load(client: KubeClient) async throws(TokenStoreError) -> TokenStore {
        let text: String
        switch self {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path),
                let string = String(data: data, encoding: .utf8)
            else { throw TokenStoreError("cannot read the tokens file \(path); check the path and its permissions") }
            text = string
        case .secret(let namespace, let name):
            text = try await Self.secretDocument(namespace: namespace, name: name, client: client)
        }
        return try TokenStore(document: text, source: description) { path in
            FileManager.default.contents(atPath: path).map(Array.init)
        }
    }

    /// The document in `tokens.yaml` of the Secret `namespace/name`.
    private static func secretDocument(namespace: String, name: String, client: KubeClient)
        async throws(TokenStoreError) -> String
    {
        let secret: JSONValue
        do {
            secret = try await client.get(ObjectRef(apiVersion: "v1", kind: "Secret", namespace: namespace, name: name))
        } catch {
            throw TokenStoreError(
                "cannot read Secret \(namespace)/\(name) (\(error.code)); create it with key \(secretKey) "
                    + "and let the controller's service account get it")
        }
        guard let encoded = secret[path: "data", secretKey]?.stringValue, let data = Data(base64Encoded: encoded),
            let text = String(data: data, encoding: .utf8)
        else {
            throw TokenStoreError("Secret \(namespace)/\(name) has no key \(secretKey) holding the tokens document")
        }
        return text
    }
}
