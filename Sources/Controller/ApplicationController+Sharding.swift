internal import Logging
internal import MoorCore

extension ApplicationController {
    /// Makes `assignment` the applications this replica syncs. Every application stays registered
    /// (so ownership can move back and forth), but only owned ones are reconciled: those newly owned
    /// are queued at once; those no longer owned are not reconciled again, though a reconcile already
    /// running finishes.
    public func assign(_ assignment: ShardAssignment) {
        guard assignment != shard else { return }
        let previous = shard
        shard = assignment
        let gained = registry.filter { !previous.owns($0.value.shardKey) && assignment.owns($0.value.shardKey) }
        logger.info(
            "shard assignment changed",
            metadata: ["shard": "\(assignment)", "gained": "\(gained.keys.sorted().joined(separator: ", "))"])
        for name in gained.keys.sorted() { enqueue(name) }
    }

    /// The names of the registered applications this replica syncs, sorted.
    public func ownedApplications() -> [String] {
        registry.filter { shard.owns($0.value.shardKey) }.keys.sorted()
    }

    /// Whether this replica syncs the registered application `name`.
    func owns(_ name: String) -> Bool {
        registry[name].map { shard.owns($0.shardKey) } ?? false
    }
}

extension ApplicationController.Managed {
    /// The key ``ShardAssignment`` places the application by.
    var shardKey: String {
        ShardAssignment.key(namespace: application.namespace, name: application.name)
    }
}
