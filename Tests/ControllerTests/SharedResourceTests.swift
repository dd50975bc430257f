import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Two applications that both hold one object: the second is refused it and warned, not given it.
@Suite("Shared objects in the controller")
struct SharedResourceTests {
    typealias Harness = ControllerHarness

    @Test("an object another application owns gives a SharedResourceWarning naming it and stays that application's")
    func sharedResourceWarning() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit(
                "two apps, one object",
                files: [
                    "one/shared.yaml": Harness.configMap("shared", "one"),
                    "two/shared.yaml": Harness.configMap("shared", "two"),
                    "two/own.yaml": Harness.configMap("own", "two"),
                ])
            let application = { (name: String, path: String) in
                var application = harness.application(
                    "\(name)-\(harness.namespace)", automated: AutomatedSync(prune: false, selfHeal: true))
                application.spec.source.path = path
                return application
            }
            let first = "first-\(harness.namespace)"
            let second = "second-\(harness.namespace)"
            try await harness.controller.manage([application("first", "one")])
            try await harness.eventually("the first application applied the object") {
                try await harness.value(of: "shared") == "one"
            }
            try await harness.controller.manage([application("first", "one"), application("second", "two")])
            try await harness.eventually("the second application warns that the object is the first's") {
                let conditions = await harness.controller.status(of: second)?.conditions ?? []
                return conditions.contains {
                    $0.type == "SharedResourceWarning" && $0.message.contains("ConfigMap \(harness.namespace)/shared")
                        && $0.message.contains("application \(first)")
                }
            }
            try await harness.eventually("the second application's own object is applied") {
                try await harness.value(of: "own") == "two"
            }
            let live = try await harness.other.get(harness.configMapRef("shared"))
            #expect(live[path: "data", "key"] == "one")
            #expect(TrackingID.application(of: live) == first)
            let firstConditions = await harness.controller.status(of: first)?.conditions ?? []
            #expect(!firstConditions.contains { $0.type == "SharedResourceWarning" })
        }
    }
}
