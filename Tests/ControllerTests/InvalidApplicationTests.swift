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

    @Test("an Application resource reading the controller's disk (file:// or a plain directory) is refused by default")
    func localSourceRefused() async throws {
        try await Harness.run(allowsLocalSources: false) { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.installApplicationDefinition()
            let automated: JSONValue = ["automated": ["prune": true]]
            let byURL = try await harness.createApplicationResource("url-\(harness.namespace)", syncPolicy: automated)
            let byPath = try await harness.createApplicationResource(
                "path-\(harness.namespace)", repoURL: harness.repository.path, syncPolicy: automated)
            try await harness.controller.watchApplications(namespace: harness.namespace)
            for ref in [byURL, byPath] {
                try await harness.eventually("\(ref.name) says why it is refused") {
                    let message = try await Self.invalidSpecMessage(harness, ref)
                    return message?.contains("is a directory on the controller's disk") == true
                        && message?.contains("--allow-local-sources") == true
                }
                #expect(await harness.controller.status(of: ref.name) == nil, "not managed")
            }
            #expect(try await harness.value(of: "a") == nil, "nothing synced")
        }
    }

    @Test("with local sources allowed, a source inside Moor's Git cache is still refused; the repository itself syncs")
    func cacheNeverASource() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.installApplicationDefinition()
            let automated: JSONValue = ["automated": ["prune": true]]
            _ = try await harness.createApplicationResource("owner-\(harness.namespace)", syncPolicy: automated)
            try await harness.controller.watchApplications(namespace: harness.namespace)
            try await harness.eventually("the repository's own application syncs") {
                try await harness.value(of: "a") == "one"
            }
            let cache = URL(fileURLWithPath: harness.repository.path).deletingLastPathComponent()
                .appendingPathComponent("cache/mirrors").path
            let mirror = try await harness.createApplicationResource(
                "mirror-\(harness.namespace)", repoURL: "file://\(cache)/../mirrors/repo.git", syncPolicy: automated)
            try await harness.eventually("the cache reader says why it is refused") {
                try await Self.invalidSpecMessage(harness, mirror)?.contains("is inside Moor's own cache") == true
            }
            #expect(await harness.controller.status(of: mirror.name) == nil, "not managed")
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
