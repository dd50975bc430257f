import MoorTestSupport
import Testing

/// `moor controller` refuses flags that do not fit together, before touching any cluster.
@Suite("moor controller flags")
struct ControllerFlagsTests {
    @Test(
        "sharding and application-source flags are checked",
        arguments: [
            (["--apps", "a.yaml", "--shards", "3", "--shard", "3"], "--shard between 0 and 2"),
            (["--apps", "a.yaml", "--shard", "1"], "--shard needs --shards M"),
            (["--apps", "a.yaml", "--shards", "0"], "--shards takes a positive number or `auto`"),
            (["--apps", "a.yaml", "--shards", "auto", "--shard", "0"], "drop --shard"),
            (["--apps", "a.yaml", "--shards", "auto", "--leader-elect"], "exclude each other"),
            (["--apps", "a.yaml", "--shards", "auto", "--identity", "Pod_1"], "cannot name a Lease"),
            (
                ["--apps", "a.yaml", "--apps-from-git", "https://example.com/r.git"],
                "name where applications come from"
            ),
            (["--apps", "a.yaml", "--hook-timeout", "0"], "--hook-timeout must be positive"),
        ])
    func refused(arguments: [String], message: String) throws {
        let run = try MoorCommand.run(["controller"] + arguments)
        #expect(run.status != 0)
        #expect(run.error.contains(message), "\(run.error)")
    }
}
