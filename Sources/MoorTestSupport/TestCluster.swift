internal import Foundation
package import KubeClient
internal import MoorCore
internal import Subprocess

/// The Kubernetes cluster integration tests run against: the cluster `MOOR_TEST_KUBECONFIG`
/// names, or else Moor's local control plane (`scripts/control-plane.sh`), started on first use
/// under the name `test` and left running for later test runs (stop it with
/// `MOOR_CP_NAME=test scripts/control-plane.sh down`; `scripts/test.sh` does that itself).
package struct TestCluster: Sendable {
    /// Kubeconfig of a cluster administrator (bearer token on the local plane).
    package let adminKubeconfig: String
    /// Kubeconfig authenticating with a client certificate; `nil` on an external cluster.
    package let certificateKubeconfig: String?
    /// Kubeconfig of a user allowed only in namespace ``limitedNamespace``; `nil` on an external cluster.
    package let limitedKubeconfig: String?
    /// The namespace the limited user may use.
    package let limitedNamespace = "limited"
    /// The local plane's state directory (PKI, tokens); `nil` on an external cluster.
    package let stateDirectory: String?

    /// Compacts etcd's history up to `revision` (a resourceVersion), so watches from older versions
    /// get 410 Gone. Only on the local plane; watches of PodTemplates reach etcd directly there.
    /// A history already compacted past `revision` (by a test running alongside, or by the
    /// kube-apiserver's own periodic compaction) counts as done: nothing up to `revision` is left.
    package func compactEtcd(revision: String) async throws {
        guard let stateDirectory else { throw TestClusterError(message: "etcd compaction needs the local plane") }
        let port = try String(contentsOfFile: "\(stateDirectory)/etcd.port", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try await Subprocess.run(
            .name("curl"),
            arguments: [
                "-sS", "-X", "POST", "-d", "{\"revision\": \"\(revision)\", \"physical\": true}",
                "http://127.0.0.1:\(port)/v3/kv/compaction",
            ],
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        let body = result.standardOutput
        guard result.terminationStatus.isSuccess,
            !body.contains("\"error\"") || body.contains("revision has been compacted")
        else {
            throw TestClusterError(message: "etcd compaction failed: \(body) \(result.standardError)")
        }
    }

    /// Whether the cluster is Moor's local control plane (so certificate and limited users exist).
    package var isLocal: Bool { stateDirectory != nil }

    /// The shared cluster for this test process (started once).
    package static func shared() async throws -> TestCluster {
        try await TestClusterStarter.shared.cluster()
    }

    /// The shared cluster that runs Pods, for tests whose workloads must really run: the cluster
    /// `MOOR_TEST_PODS_KUBECONFIG` names, or else the local plane with a kubelet (`MOOR_CP_KUBELET=1`),
    /// started on first use under the name `test-pods` (`MOOR_CP_PODS_NAME`) and left running like
    /// ``shared()``'s. Its Pods use the locally built images `moor.local/busybox:1` and `moor.local/pause:1`.
    package static func pods() async throws -> TestCluster {
        try await TestClusterStarter.pods.cluster()
    }

    /// The address the local plane's API server listens on, which its Pods reach too (the node's bridge
    /// address on a plane with a kubelet, `127.0.0.1` without one); `nil` on an external cluster.
    package var hostAddress: String? {
        guard let stateDirectory else { return nil }
        let host = try? String(contentsOfFile: "\(stateDirectory)/apiserver.host", encoding: .utf8)
        return host?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "127.0.0.1"
    }

    /// Imports the OCI image tarball at `path` (e.g. from `scripts/moor-image.sh`) into the node's containerd, so
    /// Pods with `imagePullPolicy: Never` or `IfNotPresent` run it; only on the local plane with a kubelet.
    package func importImage(_ path: String) async throws {
        guard let stateDirectory, FileManager.default.fileExists(atPath: "\(stateDirectory)/containerd.sock") else {
            throw TestClusterError(
                message: "importing images needs the local plane with a kubelet (TestCluster.pods())")
        }
        try await GitTestTool.run(
            "ctr", ["-a", "\(stateDirectory)/containerd.sock", "-n", "k8s.io", "images", "import", path])
    }

    /// A client for the admin user.
    package func adminClient(maxInFlight: Int = 32) throws -> KubeClient {
        try KubeClient(kubeconfig: [adminKubeconfig], maxInFlight: maxInFlight)
    }

    /// Runs the real `kubectl` as the admin user with `arguments` (and `environment`, e.g. `KUBE_EDITOR`;
    /// `input` on its standard input) and returns its standard output; throws when it exits non-zero, with its error output.
    @discardableResult
    package func kubectl(_ arguments: [String], environment: [String: String] = [:], input: String = "")
        async throws -> String
    {
        try await GitTestTool.run(
            "kubectl", ["--kubeconfig", adminKubeconfig] + arguments, environment: environment, input: input)
    }

    /// The repository root (found from this file's path).
    package static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Runs `body` with a fresh namespace `moor-test-…` that is deleted afterwards.
    package func withNamespace<T: Sendable>(
        _ client: KubeClient, _ body: (String) async throws -> T
    ) async throws -> T {
        let name = "moor-test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        _ = try await client.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
        do {
            let result = try await body(name)
            try? await client.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: name))
            return result
        } catch {
            try? await client.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: name))
            throw error
        }
    }
}

/// Starts a local control plane at most once per process.
actor TestClusterStarter {
    /// The plane without a kubelet.
    static let shared = TestClusterStarter(
        externalVariable: "MOOR_TEST_KUBECONFIG", nameVariable: "MOOR_CP_NAME", defaultName: "test", kubelet: false)
    /// The plane with a kubelet.
    static let pods = TestClusterStarter(
        externalVariable: "MOOR_TEST_PODS_KUBECONFIG", nameVariable: "MOOR_CP_PODS_NAME", defaultName: "test-pods",
        kubelet: true)

    /// The variable naming an external cluster's kubeconfig.
    private let externalVariable: String
    /// The variable naming the plane, and the name without it.
    private let nameVariable: String
    private let defaultName: String
    /// Whether the plane runs a kubelet.
    private let kubelet: Bool
    private var started: Task<TestCluster, any Error>?

    private init(externalVariable: String, nameVariable: String, defaultName: String, kubelet: Bool) {
        self.externalVariable = externalVariable
        self.nameVariable = nameVariable
        self.defaultName = defaultName
        self.kubelet = kubelet
    }

    func cluster() async throws -> TestCluster {
        if let started { return try await started.value }
        let task = Task { try await start() }
        started = task
        return try await task.value
    }

    private func start() async throws -> TestCluster {
        let environment = ProcessInfo.processInfo.environment
        if let external = environment[externalVariable], !external.isEmpty {
            return TestCluster(
                adminKubeconfig: external, certificateKubeconfig: nil, limitedKubeconfig: nil, stateDirectory: nil)
        }
        let script = "\(TestCluster.repositoryRoot)/scripts/control-plane.sh"
        let name = environment[nameVariable] ?? defaultName
        let result = try await Subprocess.run(
            .path(.init(script)), arguments: ["up"],
            environment: .inherit.updating(["MOOR_CP_NAME": name, "MOOR_CP_KUBELET": kubelet ? "1" : "0"]),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 20))
        guard result.terminationStatus.isSuccess else {
            throw TestClusterError(message: "control plane did not start: \(result.standardError.suffix(2000))")
        }
        guard
            let line = result.standardOutput.split(separator: "\n").first(where: {
                $0.hasPrefix("export MOOR_CP_STATE=")
            })
        else {
            throw TestClusterError(message: "control-plane.sh up printed no state directory")
        }
        let state = String(line.dropFirst("export MOOR_CP_STATE=".count))
        return TestCluster(
            adminKubeconfig: "\(state)/admin.kubeconfig", certificateKubeconfig: "\(state)/cert.kubeconfig",
            limitedKubeconfig: "\(state)/limited.kubeconfig", stateDirectory: state)
    }
}

/// The test cluster could not be reached or started.
package struct TestClusterError: Error, CustomStringConvertible {
    /// What went wrong.
    package let message: String
    package var description: String { message }
}
