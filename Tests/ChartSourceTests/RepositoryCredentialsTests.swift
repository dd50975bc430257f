import ChartSource
import Foundation
import MoorCore
import Testing

@Suite("RepositoryCredentials")
struct RepositoryCredentialsTests {
    static let credentials = RepositoryCredentials([
        RepositoryCredential(url: "https://charts.example.com", scope: .prefix, username: "org"),
        RepositoryCredential(url: "https://charts.example.com/team", scope: .prefix, username: "team"),
        RepositoryCredential(url: "https://charts.example.com/team/special", username: "special"),
        RepositoryCredential(url: "oci://registry.example.com/charts", scope: .prefix, username: "oci"),
    ])

    @Test(
        "a repository credential beats templates, the longest template prefix wins, prefixes end at a path boundary",
        arguments: [
            ("https://charts.example.com/team/special/", "special"),
            ("https://charts.example.com/team/special/more", "team"),
            ("https://CHARTS.example.com/team/x", "team"),
            ("https://charts.example.com/teams", "org"),
            ("https://charts.example.com", "org"),
            ("registry.example.com/charts/db", "oci"),
            ("oci://registry.example.com/charts", "oci"),
            ("https://charts.example.org", nil),
            ("https://charts.example.com.evil.org/x", nil),
        ] as [(String, String?)])
    func matching(url: String, user: String?) {
        #expect(Self.credentials.match(url)?.username == user)
    }

    static let tenants = RepositoryCredentials([
        RepositoryCredential(url: "https://git.example.com/team-a", scope: .prefix, username: "a", project: "team-a"),
        RepositoryCredential(url: "https://git.example.com", scope: .prefix, username: "shared"),
        RepositoryCredential(url: "https://git.example.com/team-a/app", username: "shared-app"),
        RepositoryCredential(url: "https://git.example.com/team-a/app", username: "a-app", project: "team-a"),
        RepositoryCredential(url: "https://git.example.com/team-b/app", username: "b-app", project: "team-b"),
    ])

    @Test(
        "a project's application uses its project's credentials (first among equals) and shared ones, never another's",
        arguments: [
            ("team-a", "https://git.example.com/team-a/app", "a-app"),
            ("team-a", "https://git.example.com/team-a/lib", "a"),
            ("team-a", "https://git.example.com/team-b/app", "shared"),
            ("team-b", "https://git.example.com/team-a/app", "shared-app"),
            ("team-b", "https://git.example.com/team-a/lib", "shared"),
            ("team-b", "https://git.example.com/team-b/app", "b-app"),
            ("default", "https://git.example.com/team-b/app", "shared"),
            ("", "https://git.example.com/team-a/lib", "shared"),
        ] as [(String, String, String?)])
    func projects(project: String, url: String, user: String?) {
        #expect(Self.tenants.visible(to: project).match(url)?.username == user)
    }

    @Test("Argo CD's repository and repo-creds Secrets, data in base64 and stringData, other Secrets skipped")
    func secrets() throws {
        let encoded = { (text: String) in JSONValue.string(Data(text.utf8).base64EncodedString()) }
        let repository: JSONValue = [
            "apiVersion": "v1", "kind": "Secret",
            "metadata": ["name": "charts", "labels": ["argocd.argoproj.io/secret-type": "repository"]],
            "data": [
                "url": encoded("https://charts.example.com"), "type": encoded("helm"), "name": encoded("example"),
                "username": encoded("ci"), "password": encoded("s3cret-token"), "insecure": encoded("true"),
            ],
        ]
        let template: JSONValue = [
            "apiVersion": "v1", "kind": "Secret",
            "metadata": ["name": "org", "labels": ["moor.dev/secret-type": "repo-creds"]],
            "stringData": [
                "url": "oci://registry.example.com", "enableOCI": "true", "password": "other-token",
                "project": "team-a",
            ],
        ]
        let unrelated: JSONValue = ["kind": "Secret", "metadata": ["name": "tls"], "data": ["tls.crt": encoded("x")]]
        let credentials = try RepositoryCredentials(secrets: [repository, template, unrelated])
        #expect(
            credentials.entries == [
                RepositoryCredential(
                    url: "https://charts.example.com", name: "example", username: "ci", password: "s3cret-token",
                    insecure: true),
                RepositoryCredential(
                    url: "oci://registry.example.com", scope: .prefix, password: "other-token", enableOCI: true,
                    project: "team-a"),
            ])
        #expect(credentials.named("example")?.username == "ci")
        #expect(!"\(credentials.entries)".contains("s3cret"), "descriptions never show a secret")
    }

    @Test("a credential Secret without url, or with data that is not base64, is refused naming the Secret")
    func malformed() {
        let missing: JSONValue = [
            "kind": "Secret",
            "metadata": ["name": "broken", "labels": ["argocd.argoproj.io/secret-type": "repository"]],
            "stringData": ["password": "x"],
        ]
        #expect(throws: ChartSourceError(.invalidReference, "Secret broken is a repository credential without url")) {
            try RepositoryCredential(secret: missing)
        }
        let garbled: JSONValue = [
            "kind": "Secret",
            "metadata": ["name": "garbled", "labels": ["argocd.argoproj.io/secret-type": "repository"]],
            "data": ["url": "%%%"],
        ]
        #expect(throws: ChartSourceError(.invalidReference, "Secret garbled: data.url is not base64-encoded text")) {
            try RepositoryCredential(secret: garbled)
        }
    }
}
