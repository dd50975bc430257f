/// Why one health customization was refused: a code for programs, the configuration key it came from, and
/// a message for people that says what to fix.
///
/// One refused customization never disables the others: ``HealthCustomizations`` and ``HealthScripts``
/// collect these per key and keep every other customization. Messages quote the key (escaped, cut to 200
/// characters) and, for scripts that do not compile, Lua's own message; never a script's source.
public struct HealthCustomizationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; stable for programs and metric labels.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// A key does not have the form `resource.customizations.health.<group>_<kind>` (or
        /// `resource.customizations.useOpenLibs.<group>_<kind>`), or a `resource.customizations` entry is not
        /// `<group>/<kind>`.
        case malformedKey
        /// A value has the wrong type: a `health.lua` that is not a string, a `useOpenLibs` that is not a
        /// boolean, a `resource.customizations` entry or file that is not a mapping.
        case invalidValue
        /// The `resource.customizations` value or a customization file is not YAML.
        case malformedYAML
        /// A health script does not compile (a Lua syntax error), or is too large for the memory limit.
        case compile
        /// A customization file could not be read.
        case unreadableFile

        /// The code's name, e.g. `malformedKey`.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The key the failure is about, e.g. `resource.customizations.health.cert-manager.io_Certificate`, or
    /// `resource.customizations: cert-manager.io/Certificate` for an entry of the YAML value; the path for
    /// a file that could not be read.
    public let key: String
    /// What is wrong and what to do, starting with the quoted key.
    public let message: String

    /// Creates an error about `key`; `problem` completes the sentence that starts with the quoted key.
    init(_ code: Code, key: String, _ problem: String) {
        self.code = code
        self.key = key
        self.message = "\(Self.quote(key)): \(problem)"
    }

    /// The message.
    public var description: String { message }

    /// `value` in double quotes with control characters and quotes escaped, cut to 200 characters.
    static func quote(_ value: String) -> String {
        let limit = 200
        guard value.count > limit else { return value.debugDescription }
        return String(value.prefix(limit)).debugDescription + "…"
    }
}
