import Foundation
import MoorCore
import MoorYAML
import Notifications

/// The documents of a YAML text.
func manifests(_ yaml: String) throws -> [JSONValue] {
    try YAMLReader.documents(yaml).map(\.value)
}

/// The one document of a YAML text.
func manifest(_ yaml: String) throws -> JSONValue {
    try manifests(yaml)[0]
}

/// A full commit SHA.
let commitSHA = "0123456789abcdef0123456789abcdef01234567"

/// An event of `kind` about application `shop` with a commit, a repository and a link.
func event(
    _ kind: NotificationEventKind, application: String = "shop", namespace: String = "moor",
    labels: [String: String] = [:], message: String = "sync failed: Deployment shop: image pull"
) -> NotificationEvent {
    NotificationEvent(
        kind: kind, application: application, namespace: namespace, labels: labels, revision: commitSHA,
        commitSubject: "Bump shop to 1.2", commitAuthor: "Ada <ada@example.com>", message: message,
        repoURL: "https://github.com/acme/deploy.git", url: "https://moor.example.com/#/applications/\(application)",
        timestamp: Date(timeIntervalSince1970: 1_800_000_000))
}

/// An endpoint of `type` at `address` with `token`.
func endpoint(
    _ type: NotificationProvider.ProviderType, address: String = "https://hooks.example.com/T0/B0/secret",
    token: String = "", channel: String = "", username: String = ""
) -> ProviderEndpoint {
    ProviderEndpoint(
        provider: NotificationProvider(
            name: "p", namespace: "moor", type: type, address: address, channel: channel, username: username),
        address: address, token: token)
}

/// The lowercase hex HMAC-SHA256 of `body` keyed by `key`, as `openssl dgst` computes it.
func opensslHMAC(_ body: [UInt8], key: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "dgst", "-sha256", "-hmac", key, "-r"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(body))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix { $0 != " " })
}
