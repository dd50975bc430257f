import MoorCore
import Testing

@testable import Sync

@Suite("Sync results")
struct SyncResultTests {
    static func configMap(_ name: String, _ value: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "prod"],
            "data": ["value": .string(value)],
        ]
    }

    static func ref(_ name: String) -> ObjectRef {
        ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: "prod", name: name)
    }

    @Test("the objects read before a sync, updated with what it stored and pruned, in their order")
    func trackedAfterSync() {
        var configured = ObjectResult(ref: Self.ref("a"), action: .configured)
        configured.stored = Self.configMap("a", "new")
        var created = ObjectResult(ref: Self.ref("d"), action: .created)
        created.stored = Self.configMap("d", "new")
        let result = SyncResult(
            application: "shop", succeeded: true, message: "",
            objects: [
                configured, ObjectResult(ref: Self.ref("b"), action: .unchanged),
                ObjectResult(ref: Self.ref("c"), action: .pruned), created,
                ObjectResult(ref: Self.ref("e"), action: .failed, message: "denied"),
            ],
            dryRun: false, writes: 3, health: .healthy)
        let before = [
            Self.configMap("a", "old"), Self.configMap("b", "same"), Self.configMap("c", "gone"),
            Self.configMap("e", "old"),
        ]
        #expect(
            result.tracked(updating: before) == [
                Self.configMap("a", "new"), Self.configMap("b", "same"), Self.configMap("e", "old"),
                Self.configMap("d", "new"),
            ])
        #expect(result.tracked(updating: []) == [Self.configMap("a", "new"), Self.configMap("d", "new")])
    }
}
