import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Application resources the controller cannot manage say why in their status and sync nothing.
@Suite("Invalid Application resources")
struct InvalidApplicationTests {
    typealias Harness = ControllerHarness

    @Test("a spec that does not parse gets an InvalidSpecError condition and syncs nothing; fixing it clears it")
    func unparsable() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.installApplicationDefinition()
            let ref = try await harness.createApplicationResource(
                "bad-\(harness.namespace)", syncPolicy: ["automated": .emptyObject, "syncOptions": ["Bogus=true"]])
            try await harness.controller.watchApplications(namespace: harness.namespace)
            try await harness.eventually("the condition says what is wrong") {
                try await Self.invalidSpecMessage(harness, ref)?.contains("unknown syncOptions Bogus=true") == true
            }
            #expect(try await harness.other.get(ref)[path: "status", "sync", "status"] == "Unknown")
            #expect(await harness.controller.status(of: ref.name) == nil, "not managed")
            #expect(try await harness.value(of: "a") == nil, "nothing synced")

            _ = try await harness.other.mergePatch(ref, patch: ["spec": ["syncPolicy": ["syncOptions": []]]])
            try await harness.eventually("once fixed, it is synced and the condition is gone") {
                guard try await harness.value(of: "a") == "one" else { return false }
                let status = try await harness.other.get(ref)["status"]
                return status?[path: "sync", "status"] == "Synced" && status?["conditions"] == []
            }
        }
    }

    @Test("a second Application resource with a taken name, in another namespace, is refused by a condition")
    func takenName() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.installApplicationDefinition()
            let other = "\(harness.namespace)-other"
            _ = try await harness.other.create(
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(other)]])
            do {
                let name = "taken-\(harness.namespace)"
                let first = try await harness.createApplicationResource(name, syncPolicy: .emptyObject)
                try await harness.controller.watchApplications(namespace: harness.namespace)
                try await harness.eventually("the first one is managed") {
                    await harness.controller.status(of: name)?.sync.status == .outOfSync
                }
                let second = try await harness.createApplicationResource(name, in: other, syncPolicy: .emptyObject)
                try await harness.controller.watchApplications(namespace: other)
                try await harness.eventually("the second one says its name is taken, by which resource") {
                    let message = try await Self.invalidSpecMessage(harness, second)
                    return message?.contains("already managed from the Application resource") == true
                        && message?.contains(harness.namespace) == true
                }
                #expect(try await harness.other.get(first)[path: "status", "conditions"] == [])
                #expect(await harness.controller.status(of: name)?.sync.status == .outOfSync, "the first stays managed")
            } catch {
                try? await harness.other.delete(
                    ObjectRef(apiVersion: "v1", kind: "Namespace", namespace: "", name: other))
                throw error
            }
            try await harness.other.delete(ObjectRef(apiVersion: "v1", kind: "Namespace", namespace: "", name: other))
        }
    }

    /// The message of the resource's `InvalidSpecError` condition, if it has one.
    private static func invalidSpecMessage(_ harness: Harness, _ ref: ObjectRef) async throws -> String? {
        let conditions = try await harness.other.get(ref)[path: "status", "conditions"]?.arrayValue ?? []
        return conditions.first { $0["type"] == "InvalidSpecError" }?["message"]?.stringValue
    }
}
