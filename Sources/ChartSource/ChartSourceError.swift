/// Why a remote chart could not be fetched: a code for programs and a message for people.
///
/// The message names the repository, the chart and the version asked for, says what to do, and
/// never holds a credential (URLs are shown without user information, and no request or response
/// header is quoted).
public struct ChartSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable {
        /// The source's fields do not name a chart (no `chart`, an unsupported URL, credentials in the URL).
        case invalidReference
        /// The repository has no such chart, or no version matching the target revision.
        case notFound
        /// The repository refused the credentials, or asked for credentials none of which were configured.
        case unauthorized
        /// The repository could not be reached or answered with an error or a malformed response.
        case transport
        /// The downloaded archive does not have the digest the repository's index or manifest promises.
        case digestMismatch
        /// The archive is not a safe chart archive, or exceeds a size limit.
        case archive
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
