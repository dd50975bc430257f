import KubeClient
import Testing

@testable import KubeCache

@Suite("InformerTable: one informer per resource type and what a wait comes to")
struct InformerTableTests {
    static let configMaps = APIResource(
        group: "", version: "v1", kind: "ConfigMap", name: "configmaps", namespaced: true, verbs: ["list", "watch"])
    static let deployments = APIResource(
        group: "apps", version: "v1", kind: "Deployment", name: "deployments", namespaced: true,
        verbs: ["list", "watch"])
    static let forbidden = KubeAPIError(code: .forbidden, status: 403, message: "deployments.apps is forbidden")

    @Test("a type is started once, whatever API version asks again")
    func startOnce() {
        var table = InformerTable()
        var beta = Self.deployments
        beta.version = "v1beta1"
        let started = [
            table.start(Self.configMaps), table.start(Self.configMaps), table.start(beta),
            table.start(Self.deployments),
        ]
        #expect(started == [true, false, true, false])
        #expect(table.resources == [Self.configMaps, beta])
    }

    @Test("the resources watched are listed by name, whatever order they were started in")
    func resourcesByName() {
        var table = InformerTable()
        let secrets = APIResource(
            group: "", version: "v1", kind: "Secret", name: "secrets", namespaced: true, verbs: ["list", "watch"])
        for resource in [Self.deployments, secrets, Self.configMaps] { _ = table.start(resource) }
        #expect(table.resources == [Self.configMaps, Self.deployments, secrets])
    }

    @Test("the first list syncs; later lists are relists")
    func listing() {
        var table = InformerTable()
        _ = table.start(Self.configMaps)
        #expect(table.state(of: Self.configMaps) == .listing)
        let first = table.listed(GroupKind(Self.configMaps))
        #expect(!first)
        #expect(table.state(of: Self.configMaps) == .synced)
        let second = table.listed(GroupKind(Self.configMaps))
        #expect(second)
        #expect(table.state(of: Self.deployments) == nil)
    }

    @Test("a failed informer reports its error; starting it again restarts it, and its next list is a relist")
    func failure() {
        var table = InformerTable()
        _ = table.start(Self.configMaps)
        _ = table.start(Self.deployments)
        _ = table.listed(GroupKind(Self.deployments))
        table.failed(GroupKind(Self.deployments), error: Self.forbidden)
        #expect(table.errors == [Self.deployments: Self.forbidden])
        #expect(table.state(of: Self.deployments) == .failed(Self.forbidden))
        #expect(table.state(of: Self.configMaps) == .listing)
        let restarted = table.start(Self.deployments)
        #expect(restarted)
        #expect(table.state(of: Self.deployments) == .listing)
        #expect(table.errors.isEmpty)
        let relisted = table.listed(GroupKind(Self.deployments))
        #expect(relisted)
    }

    @Test("a wait ends when all types synced, or at the first failed or unwatched one")
    func waitOutcome() throws {
        var table = InformerTable()
        try #require(table.outcome(waitingFor: [])).get()
        let unwatched = try #require(table.outcome(waitingFor: [Self.configMaps]))
        #expect(throws: CacheSyncError(code: .notWatched, resource: Self.configMaps)) { try unwatched.get() }
        _ = table.start(Self.configMaps)
        _ = table.start(Self.deployments)
        #expect(table.outcome(waitingFor: [Self.configMaps, Self.deployments]) == nil)
        _ = table.listed(GroupKind(Self.configMaps))
        #expect(table.outcome(waitingFor: [Self.configMaps, Self.deployments]) == nil)
        try #require(table.outcome(waitingFor: [Self.configMaps])).get()
        table.failed(GroupKind(Self.deployments), error: Self.forbidden)
        let failed = try #require(table.outcome(waitingFor: [Self.configMaps, Self.deployments]))
        let error = #expect(throws: CacheSyncError.self) { try failed.get() }
        #expect(error?.code == .watchFailed)
        #expect(error?.cause == Self.forbidden)
        #expect(error?.description.contains("deployments.apps is forbidden") == true)
    }
}
