import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Sync
import Testing

/// Two controllers sharing applications by Lease membership on the test cluster.
@Suite("ShardMembership")
struct ShardMembershipTests {
    @Test("two members each sync only their own applications; when one dies the other takes over its applications")
    func twoMembers() async throws {
        try await ControllerHarness.run { harness in
            let count = 6
            var files: [String: String] = [:]
            for index in 0..<count { files["app-\(index)/c.yaml"] = ControllerHarness.configMap("c-\(index)", "v1") }
            try await harness.repository.commit("first", files: files)
            let applications = (0..<count).map { index in
                Application(
                    name: "shard-\(index)-\(harness.namespace)",
                    spec: ApplicationSpec(
                        source: ApplicationSource(
                            repoURL: harness.repository.fileURL, targetRevision: "main", path: "app-\(index)"),
                        destination: ApplicationDestination(namespace: harness.namespace),
                        syncPolicy: SyncPolicy(automated: AutomatedSync(selfHeal: true))))
            }
            let keys = applications.map { ShardAssignment.key(namespace: $0.namespace, name: $0.name) }
            // Identities that split these applications between both members, so each has some.
            let (survivorID, dyingID) = try #require(
                [("a", "b"), ("a", "c"), ("b", "c"), ("a", "d"), ("b", "d")].first { pair in
                    Set(keys.map { ShardAssignment.owner(of: $0, among: [pair.0, pair.1]) }).count == 2
                })

            let cluster = try await TestCluster.shared()
            let dyingClient = try cluster.adminClient()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-shard-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            var engine = SyncEngine(client: dyingClient)
            engine.pollInterval = .milliseconds(100)
            let dying = ApplicationController(
                engine: engine, fetcher: SourceFetcher(cache: try GitSourceCache(directory: directory.path)),
                configuration: .init(pollInterval: .milliseconds(500)))
            let survivor = harness.controller
            // Leases long enough that a loaded machine's slow renewals never look like a death (a member
            // that misses renewals for a lease duration rightly loses its applications to the other, and
            // then both have reconciled them). The dying member's last renewal shortens its lease, so
            // that the survivor notices the death soon after it.
            let membership = { (identity: String, client: KubeClient, duration: Duration) in
                ShardMembership(
                    client: client, namespace: harness.namespace, identity: identity, leaseDuration: duration,
                    retryPeriod: .seconds(1))
            }
            // Lease clients of their own, so that renewals never queue behind a controller's requests.
            let survivorLeases = try cluster.adminClient()
            let dyingLeases = try cluster.adminClient()
            let survivorMember = membership(survivorID, survivorLeases, .seconds(600))
            let dyingMember = membership(dyingID, dyingLeases, .seconds(600))
            // A failure part way must still stop the dying controller and close every client it made.
            do {
                // Both leases exist before either member owns anything, so no application ever has two owners.
                #expect(await survivorMember.round() == .nothing)
                #expect(await dyingMember.round() == .nothing)
                await survivor.assign(.nothing)
                await dying.assign(.nothing)
                await dying.start()
                try await survivor.manage(applications)
                try await dying.manage(applications)
                let survivorLoop = Task { await survivorMember.run(assigning: survivor) }
                // The dying member renews by hand (as run(assigning:) does), so that cancelling it stops
                // renewals without releasing.
                let dyingLoop = Task {
                    while !Task.isCancelled {
                        if let assignment = await dyingMember.round() { await dying.assign(assignment) }
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                defer {
                    survivorLoop.cancel()
                    dyingLoop.cancel()
                }

                try await harness.eventually("every application is applied and recorded Synced by one of the replicas")
                {
                    for index in 0..<count where try await harness.value(of: "c-\(index)") != "v1" { return false }
                    for application in applications {
                        let synced = [
                            await survivor.status(of: application.name), await dying.status(of: application.name),
                        ].contains { $0?.sync.status == .synced }
                        if !synced { return false }
                    }
                    return true
                }
                let survivorApps = await survivor.ownedApplications()
                let dyingApps = await dying.ownedApplications()
                #expect(!survivorApps.isEmpty && !dyingApps.isEmpty)
                #expect(Set(survivorApps).isDisjoint(with: dyingApps))
                #expect(Set(survivorApps + dyingApps) == Set(applications.map(\.name)))
                for application in applications {
                    let owner = survivorApps.contains(application.name) ? survivor : dying
                    let other = owner === survivor ? dying : survivor
                    #expect(await owner.status(of: application.name)?.sync.status == .synced, "\(application.name)")
                    #expect(
                        await other.status(of: application.name)?.reconciledAt == nil,
                        "\(application.name) was reconciled by the replica that does not own it")
                }

                // Death: renewals stop, the lease is not released, and the process syncs nothing more.
                dyingLoop.cancel()
                await dyingLoop.value
                #expect(await membership(dyingID, dyingLeases, .seconds(5)).round() != nil, "the last renewal")
                await dying.stop(gracePeriod: .seconds(5))
                await dyingClient.shutdown()
                await dyingLeases.shutdown()
                files = [:]
                for index in 0..<count {
                    files["app-\(index)/c.yaml"] = ControllerHarness.configMap("c-\(index)", "v2")
                }
                try await harness.repository.commit("second", files: files)
                try await harness.eventually("the survivor takes over and applies every application's commit") {
                    for index in 0..<count where try await harness.value(of: "c-\(index)") != "v2" { return false }
                    return true
                }
                #expect(await survivor.ownedApplications() == applications.map(\.name).sorted())
                survivorLoop.cancel()
                await survivorLoop.value
                await survivorLeases.shutdown()
                let lease = try await harness.other.get(
                    ObjectRef(
                        group: "coordination.k8s.io", version: "v1", kind: "Lease", namespace: harness.namespace,
                        name: ShardMembership.leaseName(group: "moor-controller", identity: survivorID)))
                #expect(lease[path: "spec", "holderIdentity"] == "", "a member that stops releases its lease")
            } catch {
                await dying.stop(gracePeriod: .seconds(5))
                for client in [dyingClient, survivorLeases, dyingLeases] { await client.shutdown() }
                throw error
            }
        }
    }

    @Test("the lease of a member gone for ten lease durations is deleted; the leases of live members stay")
    func staleLeases() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        do {
            try await cluster.withNamespace(client) { namespace in
                let member = { (identity: String) in
                    ShardMembership(
                        client: client, namespace: namespace, identity: identity, leaseDuration: .seconds(1),
                        retryPeriod: .milliseconds(200))
                }
                let lease = { (identity: String) in
                    ObjectRef(
                        group: "coordination.k8s.io", version: "v1", kind: "Lease", namespace: namespace,
                        name: ShardMembership.leaseName(group: "moor-controller", identity: identity))
                }
                let (gone, survivor, alive) = (member("gone"), member("survivor"), member("alive"))
                _ = await gone.round()
                _ = try await client.get(lease("gone"))
                let deleted = try await Patience.waitUntil(every: .milliseconds(200)) {
                    _ = await survivor.round()
                    _ = await alive.round()
                    return (try? await client.get(lease("gone"))) == nil
                }
                #expect(deleted, "the departed member's lease is deleted")
                _ = try await client.get(lease("survivor"))
                _ = try await client.get(lease("alive"))
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("moor controller --shards auto: two processes share the applications and exit 0 on SIGTERM")
    func processes() async throws {
        try await ControllerHarness.run { harness in
            let count = 4
            var files: [String: String] = [:]
            var manifests: [String] = []
            for index in 0..<count {
                files["app-\(index)/c.yaml"] = ControllerHarness.configMap("c-\(index)", "v1")
                manifests.append(
                    """
                    apiVersion: moor.dev/v1alpha1
                    kind: Application
                    metadata: {name: auto-\(index)-\(harness.namespace)}
                    spec:
                      source: {repoURL: "\(harness.repository.fileURL)", targetRevision: main, path: app-\(index)}
                      destination: {namespace: \(harness.namespace)}
                      syncPolicy: {automated: {}}
                    """)
            }
            try await harness.repository.commit("apps", files: files)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-shards-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let apps = directory.appendingPathComponent("apps.yaml")
            try Data(manifests.joined(separator: "\n---\n").utf8).write(to: apps)
            let kubeconfig = try await TestCluster.shared().adminKubeconfig
            let replicas = try ["p1", "p2"].map { identity in
                try ControllerProcess(
                    [
                        "--apps", apps.path, "--poll-interval", "1", "--shards", "auto", "--lease-namespace",
                        harness.namespace, "--lease-duration", "5", "--identity", identity,
                    ], name: identity, directory: directory.appendingPathComponent(identity), kubeconfig: kubeconfig)
            }
            defer { for replica in replicas { replica.end(SIGKILL) } }
            try await harness.eventually("every application is applied, each replica seeing both members") {
                for index in 0..<count where try await harness.value(of: "c-\(index)") != "v1" { return false }
                return replicas.allSatisfy { $0.output.contains("members=p1, p2") }
            }
            for replica in replicas {
                replica.end(SIGTERM)
                #expect(replica.process.terminationStatus == 0, "\(replica.output.suffix(2000))")
            }
        }
    }
}
