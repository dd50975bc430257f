/// An error in diff configuration: an `ignoreDifferences` entry, a JSON pointer or a JQ path that cannot
/// be used.
///
/// ``description`` names the offending entry and says what to change; it holds configuration text (cut to
/// a bounded length), never object values.
public struct DiffError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, e.g. `InvalidJQPath`.
        public var description: String { name }

        /// An `ignoreDifferences` entry is malformed (wrong type, missing `kind`, unknown field).
        public static let invalidIgnoreRule = Code("InvalidIgnoreRule")
        /// A JSON pointer does not follow RFC 6901.
        public static let invalidJSONPointer = Code("InvalidJSONPointer")
        /// A JQ path expression uses syntax outside the supported subset.
        public static let invalidJQPath = Code("InvalidJQPath")
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The error with `context` (e.g. `ignoreDifferences[2].jsonPointers[0]`) put before its message.
    func located(_ context: String) -> DiffError {
        DiffError(code, "\(context): \(message)")
    }

    /// `text` quoted for a message, cut to 80 characters.
    static func quote(_ text: String) -> String {
        let cut = text.count > 80 ? text.prefix(77) + "..." : Substring(text)
        return "\"\(cut)\""
    }
}
