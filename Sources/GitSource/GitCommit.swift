public import Foundation

/// One commit's identity and metadata, as resolved from a revision.
public struct GitCommit: Sendable, Hashable {
    /// The full 40-hex-digit commit SHA (lowercase).
    public var sha: String
    /// The author's name.
    public var authorName: String
    /// The author's email address.
    public var authorEmail: String
    /// The author date.
    public var date: Date
    /// The first line of the commit message.
    public var subject: String

    /// Creates commit metadata.
    public init(sha: String, authorName: String, authorEmail: String, date: Date, subject: String) {
        self.sha = sha
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.date = date
        self.subject = subject
    }

    /// The author as history entries and notifications name them: `Name <email>`.
    public var author: String { "\(authorName) <\(authorEmail)>" }
}

/// A verified commit signature.
public struct GitSignature: Sendable, Hashable {
    /// The fingerprint of the key that made the signature (uppercase hex).
    public var keyFingerprint: String
    /// The signer's user ID as recorded in the keyring, e.g. `Jane Doe <jane@example.com>`.
    public var signer: String

    /// Creates a signature record.
    public init(keyFingerprint: String, signer: String) {
        self.keyFingerprint = keyFingerprint
        self.signer = signer
    }
}
