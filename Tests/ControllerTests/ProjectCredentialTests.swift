import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Project-scoped repository credentials (Argo CD's `project` field of a repository Secret) against the real
/// plane and a Git server on loopback that asks for a password: the credential decides every fetch, even when
/// the controller's mirror already holds the commit another tenant's credential fetched.
@Suite("Project-scoped repository credentials")
struct ProjectCredentialTests {
    typealias Harness = ControllerHarness

    @Test(
        "a credential of project team-a serves its applications only: team-b's application of the same private repository is refused, by branch and by a commit the mirror holds, until team-b has a credential of its own"
    )
    func scopedToProject() async throws {
        try await Harness.run(credentialSecretsInNamespace: true, projectRefreshInterval: .zero) { harness in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-tenants-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let repository = try await GitTestRepository.create(at: directory + "/repos/private")
            let commit = try await repository.commit(
                "private", files: ["app/a.yaml": Harness.configMap("a", "team-a-only")])
            let password = "team-A-git-4711"
            try await GitHTTPServer.start(basePath: directory + "/repos", username: "team-a", password: password)
                .stopping { server in
                    let url = server.url(for: "private")
                    try await ProjectControllerTests.withTenant(harness) { tenant in
                        try await Self.credential(
                            harness, "team-a-repo", url: url, password: password, project: "team-a")
                        for (project, namespace) in [("team-a", harness.namespace), ("team-b", tenant)] {
                            try await ProjectControllerTests.createProject(
                                harness, project,
                                spec: [
                                    "sourceRepos": ["*"],
                                    "destinations": [["server": "*", "namespace": .string(namespace)]],
                                ])
                        }
                        let owner = Self.application(
                            "owner", url: url, revision: "main", project: "team-a", in: harness.namespace)
                        try await harness.controller.manage([owner])
                        try await harness.eventually("team-a's application syncs with its project's credential") {
                            try await ProjectControllerTests.value(harness, "a", in: harness.namespace) == "team-a-only"
                        }

                        let byBranch = Self.application(
                            "by-branch", url: url, revision: "main", project: "team-b", in: tenant)
                        let byCommit = Self.application(
                            "by-commit", url: url, revision: commit, project: "team-b", in: tenant)
                        try await harness.controller.manage([owner, byBranch, byCommit])
                        for name in ["by-branch", "by-commit"] {
                            try await harness.eventually("team-b's \(name) is refused by the server") {
                                let message = await harness.controller.status(of: name)?.conditions.first {
                                    $0.type == ApplicationStatus.comparisonError
                                }?.message
                                return message?.contains("asks for credentials") == true
                                    && message?.contains(password) == false
                            }
                        }
                        #expect(
                            try await ProjectControllerTests.value(harness, "a", in: tenant) == nil, "nothing written")

                        try await harness.controller.manage([owner, byBranch])
                        try await Self.credential(
                            harness, "team-b-repo", url: url, password: password, project: "team-b")
                        await harness.controller.refresh("by-branch")
                        try await harness.eventually("with a credential of its own, team-b's application syncs") {
                            let synced =
                                try await ProjectControllerTests.value(harness, "a", in: tenant) == "team-a-only"
                            let conditions = await harness.controller.status(of: "by-branch")?.conditions
                            return synced && conditions?.isEmpty == true
                        }
                    }
                }
        }
    }

    /// Creates repository credential Secret `name` for `url` in the controller's namespace, for `project`.
    static func credential(_ harness: Harness, _ name: String, url: String, password: String, project: String)
        async throws
    {
        _ = try await harness.other.create([
            "apiVersion": "v1", "kind": "Secret",
            "metadata": [
                "name": .string(name), "namespace": .string(harness.namespace),
                "labels": ["argocd.argoproj.io/secret-type": "repository"],
            ],
            "stringData": [
                "type": "git", "url": .string(url), "username": "team-a", "password": .string(password),
                "project": .string(project),
            ],
        ])
    }

    /// An application of `project` deploying `app/` of `url` at `revision` into `namespace`, synced automatically.
    static func application(_ name: String, url: String, revision: String, project: String, in namespace: String)
        -> Application
    {
        Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: url, targetRevision: revision, path: "app"),
                destination: ApplicationDestination(namespace: namespace),
                syncPolicy: SyncPolicy(automated: AutomatedSync(prune: true)), project: project))
    }
}
