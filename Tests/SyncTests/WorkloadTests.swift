import Foundation
import Health
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Workloads that really run, on the plane with a kubelet: their health comes from Pods the kubelet
/// starts, probes and restarts, not from statuses a test writes.
@Suite("Workloads on a plane that runs Pods")
struct WorkloadTests {
    /// A Deployment `name` of `replicas` Pods of the locally built busybox image running `script`, ready
    /// when `GET /` on port 8080 answers, allowed `deadline` seconds to progress, in sync wave `wave`.
    static func deployment(
        _ name: String, script: String, replicas: Int = 1, deadline: Int = 600, wave: Int = 0
    ) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          annotations: {moor.dev/sync-wave: "\(wave)"}
        spec:
          replicas: \(replicas)
          progressDeadlineSeconds: \(deadline)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers:
              - name: web
                image: moor.local/busybox:1
                imagePullPolicy: Never
                command: [sh, -c, \(JSONValue.string(script).jsonString())]
                ports: [{containerPort: 8080}]
                readinessProbe:
                  httpGet: {path: /, port: 8080}
                  periodSeconds: 1
        """
    }

    /// busybox `httpd` serving a page that names its Pod.
    static let webServer = """
        mkdir -p /tmp/www && echo "guestbook from $(hostname)" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www
        """

    /// The Pods of `namespace` labelled `app=name`.
    static func pods(_ name: String, _ namespace: String, client: KubeClient) async throws -> [JSONValue] {
        let resource = try await client.resource(apiVersion: "v1", kind: "Pod")
        return try await client.list(resource, namespace: namespace, options: ListOptions(labelSelector: "app=\(name)"))
            .items
    }

    @Test(
        "a synced Deployment is Healthy because its Pods run and pass their readiness probe; its page answers; the next wave follows"
    )
    func healthyDeployment() async throws {
        try await SyncEngineTests().withEngine(pods: true) { engine, client, ns in
            let desired = try SyncEngineTests.manifests(
                Self.deployment("guestbook", script: Self.webServer, replicas: 2) + "\n---\n"
                    + SyncEngineTests.configMap("after", annotations: "    moor.dev/sync-wave: \"1\""))
            let result = try await engine.sync(SyncEngineTests.application("web", namespace: ns), desired: desired)
            #expect(result.succeeded, "\(result.message)")
            #expect(result.objects.map(\.ref.name) == ["guestbook", "after"])
            let deployment = try await client.get(
                SyncEngineTests.ref("Deployment", "guestbook", namespace: ns, apiVersion: "apps/v1"))
            #expect(engine.health.assess(deployment)?.status == .healthy)
            #expect(deployment[path: "status", "readyReplicas"] == 2, "the kubelet reported both Pods ready")
            let pods = try await Self.pods("guestbook", ns, client: client)
            #expect(pods.count == 2)
            for pod in pods {
                let address = try #require(pod[path: "status", "podIP"]?.stringValue)
                let page = try await HostHTTP.get("http://\(address):8080/")
                let name = pod[path: "metadata", "name"]?.stringValue ?? ""
                #expect(page == "guestbook from \(name)\n", "the Pod's own web server answered")
            }
        }
    }

    @Test(
        "a Deployment whose container exits at once: the kubelet keeps restarting its Pod, which is Degraded, as is the Deployment past its deadline; the wave after it never starts"
    )
    func crashingDeployment() async throws {
        try await SyncEngineTests().withEngine(pods: true) { engine, client, ns in
            let desired = try SyncEngineTests.manifests(
                Self.deployment("crasher", script: "echo starting; exit 1", deadline: 5) + "\n---\n"
                    + SyncEngineTests.configMap("next", annotations: "    moor.dev/sync-wave: \"1\""))
            let result = try await engine.sync(SyncEngineTests.application("crash", namespace: ns), desired: desired)
            #expect(!result.succeeded)
            #expect(
                result.message.contains("wave 0: Deployment \(ns)/crasher is Degraded")
                    && result.message.contains("exceeded its progress deadline"), "\(result.message)")
            let next = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(SyncEngineTests.ref("ConfigMap", "next", namespace: ns))
            }
            #expect(next?.code == .notFound, "wave 1 never started")
            // The kubelet restarts the container with a growing back-off (CrashLoopBackOff in its log; the
            // 1.20 kubelet reports the container as terminated with reason Error meanwhile).
            var health: ObjectHealth?
            try await eventually {
                health = try await Self.pods("crasher", ns, client: client).first.flatMap(engine.health.assess)
                return health?.message.contains("restarts)") == true
            }
            #expect(health?.status == .degraded, "\(String(describing: health))")
            #expect(health?.message.hasPrefix("container \"web\" keeps terminating (exit code 1, ") == true)
        }
    }
}
