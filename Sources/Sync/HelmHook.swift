/// A Helm chart hook event (`helm.sh/hook`), and the sync phase it runs at, as Argo CD maps them.
///
/// A sync is both Helm's install and its upgrade, so the `pre-` events run as PreSync hooks and the
/// `post-` events as PostSync hooks. Tests, deletion and rollback events are hooks a sync never
/// runs: the object is neither applied nor an application object.
public enum HelmHook: String, Sendable, Hashable, CaseIterable {
    /// Before the release's objects are created.
    case preInstall = "pre-install"
    /// Before the release's objects are updated.
    case preUpgrade = "pre-upgrade"
    /// After the release's objects are created.
    case postInstall = "post-install"
    /// After the release's objects are updated.
    case postUpgrade = "post-upgrade"
    /// Before the release is deleted: never run by a sync.
    case preDelete = "pre-delete"
    /// After the release is deleted: never run by a sync.
    case postDelete = "post-delete"
    /// Before a rollback: never run by a sync.
    case preRollback = "pre-rollback"
    /// After a rollback: never run by a sync.
    case postRollback = "post-rollback"
    /// `helm test`: never run by a sync.
    case test
    /// Helm 2's `helm test` success hook: never run by a sync.
    case testSuccess = "test-success"
    /// Helm 2's `helm test` failure hook: never run by a sync.
    case testFailure = "test-failure"
    /// Helm 2's marker for CRDs to install first: not a hook, the object is applied as usual.
    case crdInstall = "crd-install"

    /// The phase a sync runs the hook at; `nil` for events a sync never runs.
    public var phase: HookPhase? {
        switch self {
        case .preInstall, .preUpgrade: .preSync
        case .postInstall, .postUpgrade: .postSync
        case .preDelete, .postDelete, .preRollback, .postRollback, .test, .testSuccess, .testFailure, .crdInstall:
            nil
        }
    }
}
