/// A failure of a Git operation.
///
/// ``code`` says what kind of failure it was (compare it with the static codes, e.g.
/// `error.code == .authenticationFailed`); ``message`` says what happened and what to do. Messages never
/// contain passwords, tokens, private keys or URL user information, and git's own output is quoted in them
/// only after scrubbing and truncation, so they are safe for logs, status fields and API answers.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// The kind of a ``GitError``, stable across releases and safe as a metric label.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidURL, invalidRevision, repositoryNotFound, authenticationFailed, hostKeyRejected
            case revisionNotFound, timeout, signatureMissing, signatureInvalid, directoryNotEmpty, commandFailed
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The repository URL is malformed, uses an unsupported scheme, or could be read as an option.
        public static let invalidURL = Code(.invalidURL)
        /// The revision is malformed (whitespace, control characters, leading `-`, invalid ref name or
        /// constraint), or is not a full commit SHA where one is required.
        public static let invalidRevision = Code(.invalidRevision)
        /// The server answered that no such repository exists (or that it is not exported to us).
        public static let repositoryNotFound = Code(.repositoryNotFound)
        /// The server rejected the credentials (HTTPS username/password or token, SSH key), or asked for
        /// credentials when none were configured.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The SSH server's host key is not in the configured known hosts, or differs from it.
        public static let hostKeyRejected = Code(.hostKeyRejected)
        /// No branch, tag, ref, semantic-version tag or commit matches the revision.
        public static let revisionNotFound = Code(.revisionNotFound)
        /// A git command ran longer than the configured timeout and was killed.
        public static let timeout = Code(.timeout)
        /// Signature verification was asked for and the commit carries no signature.
        public static let signatureMissing = Code(.signatureMissing)
        /// The commit's signature is bad, or was made by a key that is not in the configured keyring.
        public static let signatureInvalid = Code(.signatureInvalid)
        /// An export target directory already holds files.
        public static let directoryNotEmpty = Code(.directoryNotEmpty)
        /// Any other failure of git or of the file system around it.
        public static let commandFailed = Code(.commandFailed)

        /// The code's name, e.g. `authenticationFailed`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened and what to do; free of secrets.
    public let message: String

    /// Creates an error; `message` must already be free of secrets.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message alone: the code is for programs, not for the people who read errors.
    public var description: String { message }
}

extension GitError {
    /// Whether `scalar` is an ASCII control character (including DEL).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }

    /// `text` cut to `limit` characters with control characters replaced by `?`, safe to quote in a message.
    static func quoted(_ text: some StringProtocol, limit: Int = 100) -> String {
        String(text.unicodeScalars.prefix(limit).map { isControl($0) ? "?" : Character($0) })
    }
}
