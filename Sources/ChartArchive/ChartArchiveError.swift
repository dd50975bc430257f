/// Why a chart archive was refused or could not be unpacked: a code for programs and a message for
/// people.
///
/// The message says what is wrong and names the offending entry (quoted, escaped and cut to 200
/// characters) or the limit and its value. It never contains file contents, so it is safe for logs,
/// events and the Application status.
public struct ChartArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; stable for programs and metric labels.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The data is not a gzip-compressed tar archive, or is damaged or truncated: bad gzip data,
        /// a gzip or tar header checksum that does not match, a malformed header field.
        case corrupt
        /// A limit is exceeded: the compressed size, the decompressed size, the number of entries or
        /// the size of one file (see ``ChartArchive/Limits``).
        case tooLarge
        /// An entry's path is absolute, has a `..` component, is empty, contains a NUL byte, is not
        /// UTF-8, or is too long for the file system.
        case unsafePath
        /// An entry is a symbolic link, a hard link, a device, a FIFO or anything else that is not a
        /// regular file or a directory.
        case unsupportedEntry
        /// The entries do not form one chart directory: no entries, more than one top-level
        /// directory, a file at the top level, the same path twice, or a path that is both a file and
        /// a directory.
        case layout
        /// The destination directory is missing, not a directory or not empty, or writing failed.
        case io

        /// The code's name, e.g. `unsafePath`.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, naming the entry or the limit.
    public let message: String

    /// Creates an error.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// An error about one entry: `chart archive entry "<path>" <problem>; refusing the archive`.
    static func entry(_ code: Code, _ path: String, _ problem: String) -> ChartArchiveError {
        ChartArchiveError(code, "chart archive entry \(quote(path)) \(problem); refusing the archive")
    }

    /// `value` in double quotes with control characters and quotes escaped, cut to 200 characters,
    /// so that a hostile name cannot forge log lines or flood them.
    static func quote(_ value: String) -> String {
        let limit = 200
        guard value.count > limit else { return value.debugDescription }
        return String(value.prefix(limit)).debugDescription + "…"
    }
}
