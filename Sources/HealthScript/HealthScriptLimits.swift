/// The bounds on one run of a health script. A run that reaches one ends with ``Health/HealthStatus/unknown``
/// and a message naming the limit.
public struct HealthScriptLimits: Sendable, Hashable {
    /// The most Lua VM instructions one run may execute, counted by a count hook. Time spent inside one
    /// library function (a `string.find`, a `table.sort`) is bounded by the size of its input, not by this.
    public var instructions: Int
    /// The most bytes one script's Lua state may hold while the script runs: its libraries, the script, the
    /// object converted to Lua tables and whatever the script allocates.
    public var memoryBytes: Int

    /// Creates limits.
    public init(instructions: Int, memoryBytes: Int) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
    }

    /// One million instructions (a few milliseconds; a typical health script needs a few hundred) and
    /// 16 MiB.
    public static let `default` = HealthScriptLimits(instructions: 1_000_000, memoryBytes: 16 << 20)
}
