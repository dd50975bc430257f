/// Which applications one controller replica syncs when several share the work. Pure: the same
/// inputs give the same answer in every process (no seeded `Hasher`).
///
/// An application is keyed by `namespace/name` (its Application resource's namespace, empty for
/// applications from a file or an ApplicationSet).
public enum ShardAssignment: Sendable, Hashable {
    /// Every application (a single replica).
    case all
    /// The applications whose key hashes to `index` modulo `count` (`--shard N --shards M`).
    case index(Int, of: Int)
    /// The applications rendezvous hashing gives to `member` among the live `members` (automatic
    /// sharding by Lease membership): each application goes to the member with the highest
    /// `hash(member, key)`, so a member joining or leaving moves only the applications it gains or
    /// had. A member not among `members` owns nothing.
    case member(String, of: [String])

    /// Whether the application `key` (`namespace/name`) is this replica's.
    public func owns(_ key: String) -> Bool {
        switch self {
        case .all: return true
        case .index(let index, let count): return count > 0 && StableHash.of(key) % UInt64(count) == UInt64(index)
        case .member(let member, let members): return Self.owner(of: key, among: members) == member
        }
    }

    /// The member rendezvous hashing gives `key` to (ties go to the smaller name); `nil` without members.
    public static func owner(of key: String, among members: [String]) -> String? {
        var best: (member: String, score: UInt64)?
        for member in members {
            let score = StableHash.of(member + "\u{0}" + key)
            if let current = best, current.score > score || (current.score == score && current.member < member) {
                continue
            }
            best = (member, score)
        }
        return best?.member
    }

    /// The sharding key of an application: `namespace/name`.
    public static func key(namespace: String, name: String) -> String {
        "\(namespace)/\(name)"
    }
}

/// A hash that is the same in every process and on every platform: 64-bit FNV-1a over the UTF-8
/// bytes, then MurmurHash3's finalizer so that keys differing only in their last bytes spread over
/// all 64 bits (FNV alone leaves the high bits of such keys close together).
public enum StableHash {
    /// The hash of `text`.
    public static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
