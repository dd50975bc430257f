import Controller
import MoorCore

/// What the API needs from the controller: its applications as they stand, their diffs and trees,
/// syncs, refreshes, rollbacks and previews, and a stream of status changes. ``ApplicationController`` is the
/// real one; the API's own rules (tokens, roles, globs, request bodies) are also tested in process
/// against a recording one, while the integration tests keep driving a real controller.
protocol ApplicationService: Sendable {
    /// Every application, sorted by name.
    func snapshots() async -> [ApplicationController.Snapshot]
    /// Application `name`, if it is managed.
    func snapshot(of name: String) async -> ApplicationController.Snapshot?
    /// Application `name`'s sync status and the objects that differ from Git.
    func differences(of name: String) async throws(ApplicationController.OperationError)
        -> (sync: SyncStatus, objects: [ApplicationController.ObjectDifference])
    /// Application `name`'s objects and the objects they own.
    func tree(of name: String) async throws(ApplicationController.OperationError) -> [ApplicationController.TreeNode]
    /// Syncs application `name` now, as `request` says.
    func sync(_ name: String, _ request: ApplicationController.SyncRequest)
        async throws(ApplicationController.OperationError) -> ApplicationController.SyncOutcome
    /// Queues a reconcile of application `name`.
    func refresh(_ name: String) async
    /// Syncs application `name` to a history entry or commit and turns automated sync off.
    func rollback(_ name: String, to target: ApplicationController.RollbackTarget, prune: Bool) async throws
        -> ApplicationController.RollbackResult
    /// What `request`'s revision would change in the live clusters, for the applications of its repository
    /// whose watched paths it touches.
    func preview(_ request: ApplicationController.PreviewRequest) async -> ApplicationController.Preview
    /// Sends the notifications of `preview`, kept as pull request `number`'s, and returns at once.
    func notifyPreview(_ preview: ApplicationController.Preview, pullRequest number: Int) async
    /// Every status change from now on.
    func statusChanges() async -> AsyncStream<ApplicationController.Snapshot>
}

extension ApplicationController: ApplicationService {}
