import MoorCore
import Testing

@testable import Sync

/// How hook annotations read, Helm's included, as Argo CD maps them.
@Suite("Sync annotations")
struct SyncAnnotationsTests {
    static func annotations(_ values: [String: String]) throws(SyncAnnotationError) -> SyncAnnotations {
        var object: JSONValue = ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "db-migrate"]]
        for (key, text) in values { object[path: "metadata", "annotations", key] = .string(text) }
        return try SyncAnnotations(object: object)
    }

    /// One row: the annotations, then the phases, wave, delete policies and whether it is a hook.
    typealias Row = ([String: String], [HookPhase], Int, [HookDeletePolicy], Bool)

    @Test(
        "Helm hooks map to phases, waves and delete policies; Moor's and Argo CD's annotations win",
        arguments: [
            (
                [
                    "helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "-5",
                    "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
                ],
                [.preSync], -5, [.beforeHookCreation, .hookSucceeded], true
            ),
            (["helm.sh/hook": "post-install, post-upgrade"], [.postSync], 0, [.beforeHookCreation], true),
            (
                ["helm.sh/hook": "Pre-Upgrade", "helm.sh/hook-delete-policy": "hook-failed"], [.preSync], 0,
                [.hookFailed],
                true
            ),
            (["helm.sh/hook": "test"], [], 0, [.beforeHookCreation], true),
            (["helm.sh/hook": "test-success"], [], 0, [.beforeHookCreation], true),
            (["helm.sh/hook": "test-failure"], [], 0, [.beforeHookCreation], true),
            (["helm.sh/hook": "pre-delete"], [], 0, [.beforeHookCreation], true),
            (["helm.sh/hook": "post-delete"], [], 0, [.beforeHookCreation], true),
            (["helm.sh/hook": "post-rollback"], [], 0, [.beforeHookCreation], true),
            (["helm.sh/hook": "crd-install"], [], 0, [], false),
            (["helm.sh/hook-weight": "3"], [], 3, [], false),
            (
                [
                    "argocd.argoproj.io/hook": "PostSync", "helm.sh/hook": "pre-install",
                    "argocd.argoproj.io/hook-delete-policy": "HookFailed",
                    "helm.sh/hook-delete-policy": "hook-succeeded",
                    "argocd.argoproj.io/sync-wave": "2", "helm.sh/hook-weight": "-5",
                ],
                [.postSync], 2, [.hookFailed], true
            ),
            (["moor.dev/hook": "Skip", "helm.sh/hook": "pre-install"], [.skip], 0, [], false),
            (["moor.dev/hook": "PreSync", "helm.sh/hook": "test"], [.preSync], 0, [.beforeHookCreation], true),
        ] as [Row])
    func helmMapping(
        values: [String: String], phases: [HookPhase], wave: Int, policies: [HookDeletePolicy], isHook: Bool
    ) throws {
        let read = try Self.annotations(values)
        #expect(read.hooks == phases)
        #expect(read.wave == wave)
        #expect(read.deletePolicies == policies)
        #expect(read.isHook == isHook)
    }

    @Test(
        "a malformed Helm hook annotation is refused, saying what to write",
        arguments: [
            (
                ["helm.sh/hook": "pre-install", "helm.sh/hook-weight": "first"],
                "helm.sh/hook-weight \"first\" is not a whole number"
            ),
            (
                ["helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "always"],
                "helm.sh/hook-delete-policy \"always\" is unknown; use before-hook-creation, hook-succeeded or "
                    + "hook-failed"
            ),
        ])
    func malformed(values: [String: String], message: String) {
        let error = #expect(throws: SyncAnnotationError.self) { try Self.annotations(values) }
        #expect(error?.message == message)
    }
}
