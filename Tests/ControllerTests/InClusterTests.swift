import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Moor running in the cluster, as `moor install` puts it there: the image `scripts/moor-image.sh` builds, the
/// manifests `moor install` prints (its RBAC and a Deployment that runs as a non-root user on a read-only root
/// filesystem), and the in-cluster configuration of the Pod's ServiceAccount.
@Suite(
    "Moor in-cluster",
    .enabled(
        if: ProcessInfo.processInfo.environment["MOOR_TEST_PODS_KUBECONFIG"] == nil,
        "builds and imports Moor's image into the local kubelet plane's containerd"))
struct InClusterTests {
    /// The label `moor install` gives the controller's Pods.
    static let selector = "app.kubernetes.io/name=moor-controller"

    @Test(
        "moor install runs the controller in a Pod that reconciles an Application from Git; a replacement Pod takes over"
    )
    func installedController() async throws {
        let cluster = try await TestCluster.pods()
        let host = try #require(cluster.hostAddress)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-incluster-\(UUID())").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let image = try await MoorCommand.image(tag: "dev", in: base)
        #expect(image.reference == "moor.local/moor:dev")
        try await cluster.importImage(image.tarball)

        let repository = try await GitTestRepository.create(at: base + "/apps")
        let first = try await repository.commit(
            "first", files: ["app/settings.yaml": Self.configMap("one"), "app/web.yaml": Self.webDeployment])
        let daemon = try await GitDaemonServer.start(basePath: base, host: host)
        let namespace = "moor-incluster-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let client = try cluster.adminClient()
        do {
            try await run(
                cluster, client, namespace: namespace, image: image.reference, repository: repository,
                repoURL: daemon.url(for: "apps"), first: first)
        } catch {
            await cleanUp(cluster, namespace: namespace)
            await client.shutdown()
            await daemon.stop()
            throw error
        }
        await cleanUp(cluster, namespace: namespace)
        await client.shutdown()
        await daemon.stop()
    }

    /// Installs the controller into `namespace`, watching only that namespace (other tests share the plane), and
    /// checks it serves, reconciles an Application from `repoURL` (`repository`, whose `main` is at `first`) and
    /// survives the loss of its Pod; `client` is the admin's.
    private func run(
        _ cluster: TestCluster, _ client: KubeClient, namespace: String, image: String, repository: GitTestRepository,
        repoURL: String, first: String
    ) async throws {
        let install = try MoorCommand.run([
            "install", "--namespace", namespace, "--watch-namespace", namespace, "--image", image,
        ])
        try #require(install.status == 0, "moor install failed: \(install.error)")
        try await cluster.kubectl(["apply", "-f", "-"], input: install.output)
        try await cluster.kubectl(
            ["-n", namespace, "rollout", "status", "deployment/moor-controller", "--timeout=300s"])

        let pod = try #require(try await readyPods(cluster, namespace: namespace).first)
        #expect(try await LoopbackPort.httpStatus(8080, "/readyz", host: pod.ip) == 200)
        // The image's numeric user, which runAsNonRoot needs.
        let uid = try await cluster.kubectl(["-n", namespace, "exec", pod.name, "--", "id", "-u"])
        #expect(uid.trimmingCharacters(in: .whitespacesAndNewlines) == "65532")

        try await cluster.kubectl(
            ["apply", "-f", "-"], input: Self.application(namespace: namespace, repoURL: repoURL))
        let application = ObjectRef(
            apiVersion: Application.apiVersion, kind: Application.kind, namespace: namespace, name: "web")
        try await eventually("the Application is Synced and Healthy at \(first)", in: cluster, namespace: namespace) {
            let status = try await client.get(application)["status"] ?? .null
            return status[path: "sync", "status"] == "Synced" && status[path: "health", "status"] == "Healthy"
                && status[path: "sync", "revision"] == .string(first)
        }
        let settings = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "settings")
        #expect(try await client.get(settings)[path: "data", "key"] == "one")

        // The Deployment replaces a deleted Pod; the replacement, once the old one is gone, does the work.
        try await cluster.kubectl(["-n", namespace, "delete", "pod", pod.name, "--wait=true", "--timeout=300s"])
        try await eventually("a replacement controller Pod is Ready", in: cluster, namespace: namespace) {
            try await readyPods(cluster, namespace: namespace).contains { $0.name != pod.name }
        }
        let replacement = try #require(try await readyPods(cluster, namespace: namespace).first)
        #expect(try await LoopbackPort.httpStatus(8080, "/readyz", host: replacement.ip) == 200)
        let second = try await repository.commit("second", files: ["app/settings.yaml": Self.configMap("two")])
        // Reconcile now rather than at the next poll (a minute).
        try await cluster.kubectl(["-n", namespace, "annotate", "application", "web", "moor.dev/refresh=now"])
        try await eventually("the replacement syncs \(second)", in: cluster, namespace: namespace) {
            let status = try await client.get(application)["status"] ?? .null
            return status[path: "sync", "status"] == "Synced" && status[path: "sync", "revision"] == .string(second)
        }
        #expect(try await client.get(settings)[path: "data", "key"] == "two")
        let status = try await client.get(application)["status"] ?? .null
        #expect(status[path: "health", "status"] == "Healthy")
    }

    /// The controller Pods in `namespace` that are Ready and not being deleted: names and IPs.
    private func readyPods(_ cluster: TestCluster, namespace: String) async throws -> [(name: String, ip: String)] {
        let list = try JSONValue(
            parsing: try await cluster.kubectl(["-n", namespace, "get", "pods", "-l", Self.selector, "-o", "json"]))
        return (list["items"]?.arrayValue ?? []).compactMap { pod in
            let ready = pod[path: "status", "conditions"]?.arrayValue?.contains {
                $0["type"] == "Ready" && $0["status"] == "True"
            }
            guard ready == true, pod[path: "metadata", "deletionTimestamp"] == nil,
                let name = pod[path: "metadata", "name"]?.stringValue,
                let ip = pod[path: "status", "podIP"]?.stringValue
            else { return nil }
            return (name, ip)
        }
    }

    /// Deletes the test's namespace (the controller, the Application and what it deployed) and the cluster-wide
    /// RBAC `moor install` created; its CRDs stay, since other tests on the plane use the same ones.
    private func cleanUp(_ cluster: TestCluster, namespace: String) async {
        _ = try? await cluster.kubectl(["delete", "namespace", namespace, "--wait=false"])
        _ = try? await cluster.kubectl([
            "delete", "clusterrolebinding,clusterrole", "moor-controller", "--ignore-not-found",
        ])
    }

    /// Waits until `condition` holds; records an issue naming `what`, with the status of the Application resources
    /// in `namespace` and the end of the controller's log, and throws when it never does.
    private func eventually(
        _ what: String, in cluster: TestCluster, namespace: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
    ) async throws {
        if try await Patience.waitUntil(every: .milliseconds(500), condition) { return }
        let status = try? await cluster.kubectl([
            "-n", namespace, "get", "applications", "-o", "jsonpath={.items[*].status}",
        ])
        let log = try? await cluster.kubectl(["-n", namespace, "logs", "deployment/moor-controller", "--tail=20"])
        Issue.record(
            "timed out waiting until \(what); Application status: \(status ?? "none"); controller log: \(log ?? "none")",
            sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// The ConfigMap `settings` with `data.key` `value`.
    static func configMap(_ value: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {key: "\(value)"}
        """
    }

    /// A Deployment of the plane's busybox image serving HTTP, Ready once httpd answers.
    static let webDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: httpd
                image: moor.local/busybox:1
                imagePullPolicy: Never
                command: [httpd, -f, -p, "8080"]
                readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
        """

    /// The Application `web` in `namespace`, deploying `app/` of `main` at `repoURL` into `namespace` automatically.
    static func application(namespace: String, repoURL: String) -> String {
        """
        apiVersion: \(Application.apiVersion)
        kind: \(Application.kind)
        metadata: {name: web, namespace: \(namespace)}
        spec:
          source: {repoURL: "\(repoURL)", targetRevision: main, path: app}
          destination: {namespace: \(namespace)}
          syncPolicy: {automated: {prune: true}}
        """
    }
}
