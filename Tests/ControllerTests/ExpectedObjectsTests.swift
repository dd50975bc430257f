import Health
import KubeCache
import MoorCore
import Testing

@testable import Controller

/// Which cache changes queue a reconcile: only those that may leave the application out of sync
/// or change its health, not echoes of Moor's own writes.
@Suite("Expected objects")
struct ExpectedObjectsTests {
    static let ref = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "settings")

    static func configMap(_ value: String, resourceVersion: String = "1") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": "settings", "namespace": "web", "resourceVersion": .string(resourceVersion),
                "labels": ["app.kubernetes.io/managed-by": "moor"],
                "annotations": ["moor.dev/tracking-id": "web:/ConfigMap:web/settings"],
            ],
            "data": ["key": .string(value)],
        ]
    }

    static func expected(health: HealthStatus? = nil, ignore: [JSONValue] = []) -> ExpectedObjects {
        var desired = configMap("git")
        desired[path: "metadata", "resourceVersion"] = nil
        return ExpectedObjects(
            [ref: .init(desired: desired, health: health)], ignoreDifferences: ignore, fieldManager: "moor",
            health: .builtIn)
    }

    static func change(_ object: JSONValue, kind: CacheChange.Kind = .modified, ref: ObjectRef = ref) -> CacheChange {
        CacheChange(kind: kind, origin: .watch, ref: ref, object: object, applications: ["web"])
    }

    @Test("an object that still matches, with the same health, needs no reconcile")
    func echo() {
        #expect(!Self.expected().needsReconcile(Self.change(Self.configMap("git", resourceVersion: "2"))))
    }

    @Test("a changed field, a deletion, a changed health or an unknown object needs a reconcile")
    func drift() {
        let expected = Self.expected()
        #expect(expected.needsReconcile(Self.change(Self.configMap("by hand"))))
        #expect(expected.needsReconcile(Self.change(Self.configMap("git"), kind: .deleted)))
        #expect(Self.expected(health: .progressing).needsReconcile(Self.change(Self.configMap("git"))))
        let other = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "other")
        #expect(expected.needsReconcile(Self.change(Self.configMap("git"), ref: other)))
        #expect(ExpectedObjects().needsReconcile(Self.change(Self.configMap("git"))))
    }

    @Test(
        "a change to a hook, Helm's included, needs no reconcile: hooks are not application objects",
        arguments: ["argocd.argoproj.io/hook": "PreSync", "moor.dev/hook": "PostSync", "helm.sh/hook": "test"])
    func hookChange(annotation: String, phase: String) {
        var hook = Self.configMap("run")
        hook[path: "metadata", "annotations", annotation] = .string(phase)
        #expect(!Self.expected().needsReconcile(Self.change(hook)))
        #expect(!Self.expected().needsReconcile(Self.change(hook, kind: .deleted)))
        #expect(!ExpectedObjects().needsReconcile(Self.change(hook)))
    }

    @Test("a change reporting the resource version the comparison read needs none, for any object; a newer one does")
    func alreadySeen() {
        let extra = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "extra")
        var seenExtra = Self.configMap("left over", resourceVersion: "7")
        seenExtra[path: "metadata", "name"] = "extra"
        var handEdited = Self.configMap("by hand", resourceVersion: "8")
        let expected = ExpectedObjects(
            [:], seen: [seenExtra, handEdited], ignoreDifferences: [], fieldManager: "moor", health: .builtIn)
        #expect(!expected.needsReconcile(Self.change(seenExtra, kind: .added, ref: extra)))
        #expect(!expected.needsReconcile(Self.change(handEdited)))
        #expect(expected.needsReconcile(Self.change(seenExtra, kind: .deleted, ref: extra)))
        handEdited[path: "metadata", "resourceVersion"] = "9"
        #expect(expected.needsReconcile(Self.change(handEdited)))
        #expect(ExpectedObjects().needsReconcile(Self.change(Self.configMap("git", resourceVersion: "7"))))
    }

    @Test("a change only to a field ignoreDifferences ignores needs no reconcile")
    func ignoredField() {
        let expected = Self.expected(ignore: [["kind": "ConfigMap", "jsonPointers": ["/data/key"]]])
        #expect(!expected.needsReconcile(Self.change(Self.configMap("by hand"))))
    }
}
