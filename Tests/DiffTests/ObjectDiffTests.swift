import Diff
import MoorCore
import Testing

@Suite("Object diff: state and changed paths")
struct ObjectDiffTests {
    private let policy = DiffPolicy()
    private let ref = ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "shop", name: "web")
    private let desired = Fixtures.object(Fixtures.desiredDeployment)
    private let live = Fixtures.object(Fixtures.liveDeployment)

    @Test(
        "state from which sides exist and whether they agree",
        arguments: [
            (true, "nginx:1.27", ObjectDiff.State.synced), (true, "nginx:1.28", .outOfSync), (false, "", .missing),
        ])
    func states(liveExists: Bool, liveImage: String, state: ObjectDiff.State) {
        let live = Fixtures.edited(Fixtures.liveDeployment, replacing: "nginx:1.27", with: liveImage)
        let liveObject: JSONValue? = liveExists ? live : nil
        #expect(policy.diff(ref: ref, desired: desired, live: liveObject).state == state)
    }

    @Test("an object only in the cluster is Extraneous; with neither object the diff is empty and Synced")
    func extraneousAndEmpty() {
        #expect(policy.diff(ref: ref, desired: nil, live: live).state == .extraneous)
        let empty = policy.diff(ref: ref, desired: nil, live: nil)
        #expect(empty.state == .synced && empty.live == nil && empty.desired == nil && empty.changes.isEmpty)
        #expect(policy.diff(ref: ref, desired: desired, live: .null).state == .missing)
    }

    @Test("without a dry-run result, only fields Git sets are compared, so defaults never show as removed")
    func withoutPrediction() {
        var desired = self.desired
        desired[path: "spec", "replicas"] = 4
        let diff = policy.diff(ref: ref, desired: desired, live: live)
        #expect(diff.changes.map(\.description) == ["spec.replicas (changed)"])
        #expect(diff.desired?[path: "spec", "revisionHistoryLimit"] == 10)
    }

    @Test("with a dry-run result, every difference between it and the live object counts")
    func withPrediction() {
        var desired = self.desired
        desired[path: "spec", "replicas"] = 4
        var predicted = live
        predicted[path: "spec", "replicas"] = 4
        predicted[path: "metadata", "labels"] = ["tier": "front"]
        predicted[path: "metadata", "resourceVersion"] = "48214"
        let diff = policy.diff(ref: ref, desired: desired, live: live, predicted: predicted)
        #expect(diff.state == .outOfSync)
        #expect(
            diff.changes.map(\.description).sorted() == [
                "metadata.labels.app (removed)", "metadata.labels.tier (added)", "spec.replicas (changed)",
            ])
    }

    @Test("with a prediction, what the sync would change counts even when desired is contained in live")
    func predictionWins() {
        #expect(policy.diff(ref: ref, desired: desired, live: live).state == .synced)
        var predicted = live
        predicted[path: "metadata", "labels"] = nil
        let diff = policy.diff(ref: ref, desired: desired, live: live, predicted: predicted)
        #expect(diff.state == .outOfSync)
        #expect(diff.changes.map(\.description) == ["metadata.labels (removed)"])
    }

    @Test("the objects shown are normalised: no status, server metadata or managed fields")
    func shownObjectsAreNormalised() {
        let diff = policy.diff(ref: ref, desired: desired, live: live)
        for object in [diff.live, diff.desired] {
            #expect(object?["status"] == nil)
            #expect(object?[path: "metadata", "managedFields"] == nil)
            #expect(object?[path: "metadata", "uid"] == nil)
            #expect(object?[path: "metadata", "annotations"] == nil)
        }
    }

    @Test("paths print keyed list elements by key and odd member names in brackets")
    func pathText() {
        let port = JSONObject([("containerPort", 80), ("protocol", "TCP")])
        let path = FieldPath([.key("spec"), .key("ports"), .element(port), .key("name")])
        #expect(path.description == "spec.ports[containerPort=80,protocol=TCP].name")
        let annotation = FieldPath([.key("metadata"), .key("annotations"), .key("app.kubernetes.io/name")])
        #expect(annotation.description == "metadata.annotations[\"app.kubernetes.io/name\"]")
        #expect(FieldPath([.key("args"), .index(2)]).description == "args[2]")
        #expect(FieldPath([.key("env"), .element(JSONObject([("name", "A B")]))]).description == "env[name=\"A B\"]")
    }
}
