import MoorCore
import Sync
import Testing

@testable import Controller

/// The reconcile's decisions (``SyncMemory``) and outcomes, as tables: no cluster, no Git.
@Suite("Reconcile decisions")
struct ReconcileDecisionTests {
    /// A target at `revision` with `automated` sync and a retry limit of `limit`.
    static func target(_ revision: String = "c1", automated: AutomatedSync? = AutomatedSync(), limit: Int? = nil)
        -> SyncTarget
    {
        var spec = ApplicationSpec(
            source: ApplicationSource(repoURL: "https://git.example/app.git"),
            destination: ApplicationDestination(namespace: "app"))
        spec.syncPolicy.automated = automated
        spec.syncPolicy.retry = limit.map { SyncRetry(limit: $0) }
        return SyncTarget(spec: spec, revision: revision)
    }

    /// One step of an application's life: what the comparison found, and what is expected of the decision.
    struct Step: Sendable, CustomTestStringConvertible {
        var label: String
        var target: SyncTarget
        var inSync: Bool
        var expected: ReconcileDecision.Sync
        var reportsDrift = false
        /// How the sync, when the decision is to sync, ends.
        var ending = SyncEnding.succeeded
        var clusterChanges = 0
        /// The sync window holding automated syncs, if any.
        var heldBy: String?
        var testDescription: String { label }
    }

    static let manual = target(automated: nil)
    static let heal = target(automated: AutomatedSync(prune: true, selfHeal: true))
    static let plain = target()
    static let limited = target(limit: 2)

    /// Sequences of steps, each a life of one application from a fresh memory.
    static let lives: [(String, [Step])] = [
        (
            "manual: reported, never synced; drift reported once per episode",
            [
                Step(label: "first look", target: manual, inSync: false, expected: .manual),
                Step(label: "synced by hand", target: manual, inSync: true, expected: .inSync),
                Step(label: "drift", target: manual, inSync: false, expected: .manual, reportsDrift: true),
                Step(label: "still drifted", target: manual, inSync: false, expected: .manual),
                Step(label: "back in sync", target: manual, inSync: true, expected: .inSync),
                Step(label: "drift again", target: manual, inSync: false, expected: .manual, reportsDrift: true),
            ]
        ),
        (
            "automated without selfHeal: a new target syncs, drift of a synced one is left",
            [
                Step(label: "new target", target: plain, inSync: false, expected: .now(prune: false)),
                Step(label: "drift", target: plain, inSync: false, expected: .selfHealOff, reportsDrift: true),
                Step(label: "new commit", target: target("c2"), inSync: false, expected: .now(prune: false)),
            ]
        ),
        (
            "selfHeal: drift is synced back, with prune",
            [
                Step(label: "new target", target: heal, inSync: false, expected: .now(prune: true)),
                Step(label: "drift", target: heal, inSync: false, expected: .now(prune: true), reportsDrift: true),
            ]
        ),
        (
            "retry limit: gives up after limit failures of one target; a new commit tries again",
            [
                Step(label: "fails", target: limited, inSync: false, expected: .now(prune: false), ending: .failed),
                Step(
                    label: "fails again", target: limited, inSync: false, expected: .now(prune: false), ending: .failed),
                Step(
                    label: "gives up", target: limited, inSync: false,
                    expected: .gaveUp(
                        "gave up after 2 failed syncs of c1 (syncPolicy.retry.limit 2); a new commit "
                            + "or a change to the spec tries again")),
                Step(label: "new commit", target: target("c2", limit: 2), inSync: false, expected: .now(prune: false)),
            ]
        ),
        (
            "a negative retry limit never gives up",
            [
                Step(
                    label: "fails", target: target(limit: -1), inSync: false, expected: .now(prune: false),
                    ending: .failed),
                Step(
                    label: "fails", target: target(limit: -1), inSync: false, expected: .now(prune: false),
                    ending: .failed),
                Step(label: "still tries", target: target(limit: -1), inSync: false, expected: .now(prune: false)),
            ]
        ),
        (
            "a refused prune is not synced again until the target or the cluster changes",
            [
                Step(
                    label: "refused", target: heal, inSync: false, expected: .now(prune: true),
                    ending: .refused("prune refused")),
                Step(
                    label: "same target, same cluster", target: heal, inSync: false, expected: .refused("prune refused")
                ),
                Step(
                    label: "the cluster changed", target: heal, inSync: false, expected: .now(prune: true),
                    ending: .refused("prune refused"), clusterChanges: 1),
                Step(
                    label: "held again", target: heal, inSync: false, expected: .refused("prune refused"),
                    clusterChanges: 1),
                Step(
                    label: "new commit", target: target("c2", automated: AutomatedSync(prune: true, selfHeal: true)),
                    inSync: false, expected: .now(prune: true), clusterChanges: 1),
            ]
        ),
        (
            "a sync window holds automated syncs and self-heal, not the comparison; manual stays manual",
            [
                Step(label: "new target, window", target: heal, inSync: false, expected: .held("deny"), heldBy: "deny"),
                Step(label: "window over", target: heal, inSync: false, expected: .now(prune: true)),
                Step(
                    label: "drift in a window", target: heal, inSync: false, expected: .held("deny"),
                    reportsDrift: true, heldBy: "deny"),
                Step(label: "in sync in a window", target: heal, inSync: true, expected: .inSync, heldBy: "deny"),
                Step(label: "manual in a window", target: manual, inSync: false, expected: .manual, heldBy: "deny"),
            ]
        ),
    ]

    @Test("an application's decisions over its life", arguments: lives.map(\.0))
    func life(_ name: String) {
        let steps = Self.lives.first { $0.0 == name }!.1
        var memory = SyncMemory()
        for step in steps {
            let decision = memory.decide(
                target: step.target, inSync: step.inSync, clusterChanges: step.clusterChanges, heldBy: step.heldBy)
            #expect(decision.sync == step.expected, "\(step.label)")
            #expect(decision.reportDrift == step.reportsDrift, "\(step.label)")
            if case .now = decision.sync {
                memory.noteSync(step.target, step.ending, clusterChanges: step.clusterChanges)
            }
        }
    }

    @Test("a sync by hand or a success forgets a refusal")
    func syncForgetsRefusal() {
        var memory = SyncMemory()
        memory.noteSync(Self.heal, .refused("prune refused"), clusterChanges: 0)
        #expect(memory.decide(target: Self.heal, inSync: false, clusterChanges: 0).sync == .refused("prune refused"))
        memory.noteSynced(Self.heal)
        #expect(memory.decide(target: Self.heal, inSync: false, clusterChanges: 0).sync == .now(prune: true))
    }

    @Test(
        "refused plans are refusals; an unknown kind and other errors are retried",
        arguments: [
            (SyncPlanError.Code.emptyRender, ReconcileOutcome.refused), (.duplicateObject, .refused),
            (.badAnnotation, .refused), (.badIgnoreRule, .refused), (.pruneCapExceeded, .refused),
            (.notPermitted, .refused), (.unknownKind, .failed),
        ])
    func outcomes(_ code: SyncPlanError.Code, _ expected: ReconcileOutcome) {
        #expect(ReconcileOutcome(SyncPlanError(code: code, message: "refused")) == expected)
        #expect(expected.retries == (expected == .failed))
    }

    @Test("a failure that is not a refused plan or a project's refusal is retried")
    func otherErrors() {
        struct Unreachable: Error {}
        #expect(ReconcileOutcome(Unreachable()) == .failed)
        #expect(ReconcileOutcome(Unreachable()).retries)
        #expect(ReconcileOutcome(ProjectRefusal("project team-a does not exist")) == .refused)
        #expect(!ReconcileOutcome.refused.retries && !ReconcileOutcome.succeeded.retries)
    }
}
