/// One health check written in Lua: the group and kind it applies to and the script.
///
/// The script sees the live object as the global `obj` and must return a table whose `status` is one of
/// `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`, with an optional string
/// `message`; see ``HealthScripts`` for the sandbox it runs in.
public struct HealthCustomization: Sendable, Hashable {
    /// The objects the script applies to.
    public let pattern: GroupKindPattern
    /// The Lua source.
    public let script: String
    /// Whether the script may use Lua's `string` and `math` libraries (Argo CD's `useOpenLibs`); `os`, `io`,
    /// `debug`, `package` and the loaders stay out whatever this says.
    public let useOpenLibs: Bool
    /// The configuration key the script came from, for messages (see ``HealthCustomizationError/key``).
    public let key: String

    /// Creates a customization.
    public init(pattern: GroupKindPattern, script: String, useOpenLibs: Bool = false, key: String) {
        self.pattern = pattern
        self.script = script
        self.useOpenLibs = useOpenLibs
        self.key = key
    }
}
