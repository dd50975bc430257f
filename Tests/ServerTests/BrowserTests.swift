import Controller
import Foundation
import MoorCore
import MoorTestSupport
import Subprocess
import Testing

/// The web UI in a real browser: a controller and its server on the test control plane (``ServerHarness``),
/// driven by Tests/Browser/ui_test.py through headless Chromium (Debian's chromium and chromium-driver,
/// Selenium). Set MOOR_UI_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the screenshots.
@Suite struct BrowserTests {
    /// Debian's browser and its driver, which scripts/install-deps.sh installs (so CI always has them).
    static let browserInstalled = ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy(
        FileManager.default.isExecutableFile(atPath:))

    /// The value of guestbook's Secret after the Git change; the UI must never show it.
    static let secretValue = "hunter2-\(UUID().uuidString.prefix(8))"

    /// Three applications: `billing` (automated, Synced, of two sources: its path and its repository as a
    /// `ref`); `guestbook` (manual, synced once, then changed in
    /// Git: OutOfSync, with a Deployment → ReplicaSet → Pod tree, a ConfigMap diff, a field of it changed by
    /// `kubectl patch` that the diff attributes, and a Secret whose new value must stay hidden); `payments`, whose path the repository lacks (a ComparisonError). Pull request 12
    /// turns guestbook purple and is previewed. The driver checks them as a viewer, then syncs guestbook as an operator.
    @Test(
        .enabled(
            if: browserInstalled,
            "chromium and chromium-driver are not installed; scripts/install-deps.sh installs them (CI runs it)"),
        .timeLimit(.minutes(15)))
    func viewerBrowsesAndOperatorSyncsInARealBrowser() async throws {
        try await ServerHarness.run { harness in
            try await harness.repository.commit("guestbook and billing", files: Self.files(theme: "blue", secret: "s1"))
            try await harness.controller.manage([
                harness.application("guestbook", path: "guestbook", automated: nil),
                Self.multiSource(harness.application("billing", path: "billing", automated: AutomatedSync())),
                harness.application("payments", path: "payments", automated: AutomatedSync()),
            ])
            let first = try await harness.controller.sync("guestbook", .init())
            try #require(first.operation.phase == .succeeded, "guestbook's first sync: \(first.operation.message)")
            let second = try await harness.repository.commit(
                "A green theme and a new password", files: Self.files(theme: "green", secret: Self.secretValue))
            await harness.controller.refresh("guestbook")
            // At the new commit: until the reconcile that follows the first sync, guestbook's status may
            // still say OutOfSync from before that sync.
            try await harness.eventually("guestbook is OutOfSync and billing Synced at the new commit") {
                let guestbook = await harness.controller.status(of: "guestbook")?.sync
                let billing = await harness.controller.status(of: "billing")?.sync
                return guestbook?.status == .outOfSync && guestbook?.revision == second
                    && billing?.status == .synced && billing?.revision == second
            }

            // A hand edit, which the diff attributes to kubectl's patch.
            try await TestCluster.shared().kubectl(
                [
                    "-n", harness.namespace, "patch", "configmap/guestbook-config", "--type=merge", "-p",
                    #"{"data":{"replicas-hint":"5"}}"#,
                ])
            // Pull request 12 turns guestbook purple; its preview is made as a pull-request webhook would.
            let repository = harness.repository
            try await repository.checkout("purple", creating: true)
            let purple = try await repository.commit(
                "A purple theme", files: Self.files(theme: "purple", secret: Self.secretValue))
            try await repository.updateRef("refs/pull/12/head", to: purple)
            try await repository.checkout("main")
            try await repository.git(["branch", "-D", "purple"])
            let preview = try await harness.request(
                .POST, "/api/v1/previews", as: .operator,
                body: #"{"repository": "\#(harness.repositoryURL)", "revision": "refs/pull/12/head", "number": 12}"#)
            #expect(preview.status == 200, "\(preview.text)")

            let run = try await Self.runDriver(url: harness.baseURL + "/")
            print(run.output, terminator: "")
            #expect(run.status == 0, "ui_test.py exited \(run.status):\n\(run.output)\n\(run.error)")
            #expect(run.output.contains("ui test: passed"))
            #expect(run.output.contains("ui test: error shown: "), "the API's message for a bad revision is shown")
            #expect(run.output.contains("turns OutOfSync through the event stream"), "the rollback reached the viewer")
            let tokens = [ServerHarness.Holder.viewer.token, ServerHarness.Holder.operator.token]
            #expect(!tokens.contains { run.output.contains($0) || run.error.contains($0) }, "no token is printed")
        }
    }

    /// `application` with a second source: its own repository as `ref: values` (which renders nothing).
    static func multiSource(_ application: Application) -> Application {
        var application = application
        var values = application.spec.source
        values.path = "."
        values.options = ["ref": "values"]
        application.spec.sources = [application.spec.source, values]
        return application
    }

    /// Runs Tests/Browser/ui_test.py against `url`; the tokens go through the environment.
    static func runDriver(url: String) async throws -> (status: Int32, output: String, error: String) {
        let screenshots =
            ProcessInfo.processInfo.environment["MOOR_UI_SCREENSHOTS"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("moor-ui-\(UUID())").path
        let result = try await Subprocess.run(
            .name("python3"),
            arguments: [
                TestCluster.repositoryRoot + "/Tests/Browser/ui_test.py", "--url", url,
                "--out-of-sync-app", "guestbook", "--synced-app", "billing",
                "--tree-kinds", "ConfigMap,Deployment,ReplicaSet,Secret,Service", "--diff-contains", "green",
                "--attribution-contains", "data.replicas-hint changed by kubectl-patch (Update, 20",
                "--secret-value", secretValue, "--preview-number", "12", "--preview-contains", "purple",
                "--preview-untouched", "payments", "--screenshots", screenshots, "--timeout",
                String(Patience.timeout.components.seconds),
            ],
            environment: .inherit.updating([
                "MOOR_UI_VIEWER_TOKEN": ServerHarness.Holder.viewer.token,
                "MOOR_UI_OPERATOR_TOKEN": ServerHarness.Holder.operator.token,
            ]),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        if ProcessInfo.processInfo.environment["MOOR_UI_SCREENSHOTS"] == nil {
            try? FileManager.default.removeItem(atPath: screenshots)
        }
        let status: Int32
        switch result.terminationStatus {
        case .exited(let code): status = code
        default: status = -1
        }
        return (status, result.standardOutput, result.standardError)
    }

    /// The repository: guestbook/ (Deployment, Service, ConfigMap, Secret) and billing/ (a ConfigMap).
    static func files(theme: String, secret: String) -> [String: String] {
        [
            "guestbook/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: guestbook-ui}
            spec:
              replicas: 1
              selector: {matchLabels: {app: guestbook-ui}}
              template:
                metadata: {labels: {app: guestbook-ui}}
                spec: {containers: [{name: ui, image: "registry.example/guestbook:1.4", ports: [{containerPort: 80}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: guestbook-ui}
            spec: {selector: {app: guestbook-ui}, ports: [{port: 80}]}
            """,
            "guestbook/config.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: guestbook-config}
            data: {theme: \(theme), replicas-hint: "1"}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: guestbook-credentials}
            stringData: {password: \(secret)}
            """,
            "billing/config.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: billing-settings}
            data: {currency: EUR}
            """,
        ]
    }
}
