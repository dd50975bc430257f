import ArgumentParser
import Controller

/// `moor controller --shard N --shards M` or `--shards auto`: which applications this replica syncs.
struct ShardingFlags: ParsableArguments {
    @Option(help: "This replica's shard (0-based) among --shards M: it syncs the applications whose key hashes to it.")
    var shard: Int?

    @Option(
        help: ArgumentHelp(
            "How many shards share the applications, or `auto` to share them among the live replicas.",
            discussion: """
                auto: each replica renews the Lease <lease-name>-<identity> in --lease-namespace and the live \
                ones split the applications by rendezvous hashing; a dead replica's applications move to the \
                others within --lease-duration.
                """))
    var shards: String?

    /// Whether sharding is by Lease membership.
    var automatic: Bool { shards == "auto" }

    /// Checks the flags against `leaderElect` and the replica's `identity` (it names a Lease).
    func validate(leaderElect: Bool, identity: String) throws {
        guard let shards else {
            guard shard == nil else { throw ValidationError("--shard needs --shards M") }
            return
        }
        guard !leaderElect else {
            throw ValidationError("--shards and --leader-elect exclude each other: shard, or elect one leader")
        }
        if automatic {
            guard shard == nil else { throw ValidationError("--shards auto assigns shards itself; drop --shard") }
            let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
            guard !identity.isEmpty, identity.lowercased().allSatisfy(allowed.contains) else {
                throw ValidationError(
                    "--identity \(identity) cannot name a Lease; use lowercase letters, digits, '-' and '.'")
            }
            return
        }
        guard let count = Int(shards), count >= 1 else {
            throw ValidationError("--shards takes a positive number or `auto`, not \(shards)")
        }
        guard let shard, (0..<count).contains(shard) else {
            throw ValidationError("--shards \(count) needs --shard between 0 and \(count - 1)")
        }
    }

    /// What the replica owns from the start: its static shard, nothing until the Lease members are
    /// known (`auto`), or everything.
    var initialAssignment: ShardAssignment {
        if automatic { return .nothing }
        if let shards, let count = Int(shards), let shard { return .index(shard, of: count) }
        return .all
    }
}
