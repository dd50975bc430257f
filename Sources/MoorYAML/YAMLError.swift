/// A YAML text that could not be read: the 1-based line (0 when unknown) and what was wrong.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the problem; 0 when the parser did not say.
    public let line: Int
    /// What was wrong, in the parser's words.
    public let reason: String

    /// Creates an error.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}
