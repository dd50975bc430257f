import Controller
import Testing

/// Which replica owns which application: static shards and rendezvous hashing over live members.
@Suite("ShardAssignment")
struct ShardAssignmentTests {
    static let keys = (0..<1000).map { ShardAssignment.key(namespace: "team-\($0 % 7)", name: "app-\($0)") }

    @Test("the hash is the same in every process (FNV-1a 64 with a finalizer)")
    func stableHash() {
        // A fixed value: replicas built from different versions must still agree.
        #expect(StableHash.of("default/web") == 0x043e_bfb5_ca03_7b82)
        #expect(ShardAssignment.index(2, of: 3).owns("default/web"))
        #expect(StableHash.of("default/web") != StableHash.of("default/weB"))
    }

    @Test("static shards: every application has exactly one shard, and shards are roughly even")
    func staticShards() {
        let shards = (0..<3).map { ShardAssignment.index($0, of: 3) }
        var sizes = [0, 0, 0]
        for key in Self.keys {
            let owners = shards.indices.filter { shards[$0].owns(key) }
            #expect(owners.count == 1, "\(key)")
            for owner in owners { sizes[owner] += 1 }
        }
        #expect(sizes.allSatisfy { $0 > 250 }, "\(sizes)")
        #expect(ShardAssignment.all.owns("x/y"))
        #expect(!ShardAssignment.index(0, of: 0).owns("x/y"))
    }

    @Test("members: exactly one live member owns each application; a non-member owns nothing")
    func members() {
        let members = ["b", "a", "c"]
        var sizes: [String: Int] = [:]
        for key in Self.keys {
            let owners = members.filter { ShardAssignment.member($0, of: members).owns(key) }
            #expect(owners.count == 1, "\(key)")
            for owner in owners { sizes[owner, default: 0] += 1 }
            #expect(!ShardAssignment.member("d", of: members).owns(key))
            #expect(!ShardAssignment.nothing.owns(key))
        }
        #expect(sizes.values.allSatisfy { $0 > 250 }, "\(sizes)")
        #expect(ShardAssignment.owner(of: "x/y", among: []) == nil)
    }

    @Test("a member leaving moves only its applications; one joining takes only from the others")
    func minimalMovement() {
        let three = ["a", "b", "c"]
        let two = ["a", "b"]
        for key in Self.keys {
            let before = ShardAssignment.owner(of: key, among: three)
            let after = ShardAssignment.owner(of: key, among: two)
            if before != "c" { #expect(after == before, "\(key) moved though its owner stayed") }
            let joined = ShardAssignment.owner(of: key, among: three + ["d"])
            if joined != "d" { #expect(joined == before, "\(key) moved between members that stayed") }
        }
    }
}
