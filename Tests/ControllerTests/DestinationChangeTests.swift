import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Controller

/// An application whose destination changes: what it left at the old one is pruned or reported.
@Suite("Destination change")
struct DestinationChangeTests {
    typealias Harness = ControllerHarness

    @Test("a new destination namespace: objects at the old one are pruned with prune, reported without")
    func namespaceChange() async throws {
        try await Self.withSecondNamespace { harness, moved in try await Self.move(harness, to: moved) }
    }

    @Test("a destination changed while no controller ran is found from the status, and so is what was left")
    func changeWhileDown() async throws {
        try await Self.withSecondNamespace { harness, moved in try await Self.moveWhileDown(harness, to: moved) }
    }

    /// A recorded previous destination, the destination now, and the namespaces prune may reach besides.
    static let previousCases: [(ApplicationDestination?, ApplicationDestination, [String])] = [
        (nil, ApplicationDestination(namespace: "b"), []),
        (ApplicationDestination(namespace: "a"), ApplicationDestination(namespace: "b"), ["a"]),
        (ApplicationDestination(), ApplicationDestination(namespace: "b"), ["default"]),
        (ApplicationDestination(name: "east", namespace: "a"), ApplicationDestination(namespace: "a"), []),
        (ApplicationDestination(server: "https://x", namespace: "a"), ApplicationDestination(namespace: "a"), []),
    ]

    @Test("prune reaches the recorded previous namespace only on the same cluster", arguments: previousCases)
    func previousNamespaces(previous: ApplicationDestination?, now: ApplicationDestination, expected: [String]) {
        #expect(ApplicationController.previousNamespaces(previous, at: now) == Set(expected))
    }

    /// Runs `body` with a harness and a second namespace, `<harness namespace>-moved`, deleted afterwards.
    private static func withSecondNamespace(_ body: (Harness, String) async throws -> Void) async throws {
        try await Harness.run { harness in
            let moved = "\(harness.namespace)-moved"
            let namespace = ObjectRef(apiVersion: "v1", kind: "Namespace", namespace: "", name: moved)
            _ = try await harness.other.create(
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(moved)]])
            do {
                try await body(harness, moved)
            } catch {
                try? await harness.other.delete(namespace)
                throw error
            }
            try await harness.other.delete(namespace)
        }
    }

    /// Without prune, the objects left at the old destination are reported: by a controller that
    /// started after the change, and by one more after that (the status remembers where they are).
    private static func moveWhileDown(_ harness: Harness, to moved: String) async throws {
        try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
        let ref = try await harness.applicationResource("down", syncPolicy: ["automated": ["selfHeal": true]])
        try await harness.eventually("the first destination is recorded in the status") {
            let status = try await harness.other.get(ref)["status"]
            return status?[path: "sync", "comparedTo", "destination", "namespace"]?.stringValue == harness.namespace
                && status?[path: "sync", "status"] == "Synced"
        }
        await harness.controller.stop(gracePeriod: .seconds(5))
        _ = try await harness.other.mergePatch(ref, patch: ["spec": ["destination": ["namespace": .string(moved)]]])

        for successor in 1...2 {
            let controller = harness.newController()
            await controller.start()
            do {
                try await controller.watchApplications(namespace: harness.namespace)
                try await harness.eventually("controller \(successor) reports the object left at the old destination") {
                    let conditions = await controller.status(of: ref.name)?.conditions ?? []
                    return conditions.contains {
                        $0.type == "OrphanedResourceWarning" && $0.message.contains("ConfigMap \(harness.namespace)/a")
                    }
                }
                try await harness.eventually("the status names both destinations") {
                    let sync = try await harness.other.get(ref)[path: "status", "sync"]
                    return sync?[path: "comparedTo", "destination", "namespace"]?.stringValue == moved
                        && sync?[path: "previousDestination", "namespace"]?.stringValue == harness.namespace
                }
                #expect(try await Self.value(of: "a", in: moved, harness) == "one")
                #expect(try await harness.value(of: "a") == "one", "without prune the old object stays")
            } catch {
                await controller.stop(gracePeriod: .seconds(5))
                throw error
            }
            await controller.stop(gracePeriod: .seconds(5))
        }
    }

    private static func move(_ harness: Harness, to moved: String) async throws {
        try await harness.repository.commit(
            "two apps", files: ["one/p.yaml": Harness.configMap("p", "1"), "two/k.yaml": Harness.configMap("k", "1")])
        let application = { (name: String, path: String, prune: Bool, namespace: String) in
            var application = harness.application(
                "\(name)-\(harness.namespace)", automated: AutomatedSync(prune: prune, selfHeal: true))
            application.spec.source.path = path
            application.spec.destination.namespace = namespace
            return application
        }
        try await harness.controller.manage([
            application("pruned", "one", true, harness.namespace), application("kept", "two", false, harness.namespace),
        ])
        try await harness.eventually("both are applied") {
            try await ApplicationSetControllerTests.values(harness, "p", "k") == ["1", "1"]
        }
        try await harness.controller.manage([
            application("pruned", "one", true, moved), application("kept", "two", false, moved),
        ])
        let movedValue = { (name: String) async throws -> String? in
            try await Self.value(of: name, in: moved, harness)
        }
        try await harness.eventually("both are applied at the new destination; the pruned one left nothing behind") {
            guard try await movedValue("p") == "1", try await movedValue("k") == "1" else { return false }
            return try await harness.value(of: "p") == nil
        }
        try await harness.eventually("the one without prune reports what it left") {
            let conditions = await harness.controller.status(of: "kept-\(harness.namespace)")?.conditions ?? []
            return conditions.contains {
                $0.type == "OrphanedResourceWarning" && $0.message.contains("ConfigMap \(harness.namespace)/k")
            }
        }
        #expect(try await harness.value(of: "k") == "1", "without prune the old object stays")
    }

    /// The `data.key` of ConfigMap `name` in `namespace`; `nil` when it does not exist.
    private static func value(of name: String, in namespace: String, _ harness: Harness) async throws -> String? {
        let ref = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: name)
        do {
            return try await harness.other.get(ref)[path: "data", "key"]?.stringValue
        } catch  where error.code == .notFound {
            return nil
        }
    }
}
