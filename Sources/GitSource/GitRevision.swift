package import MoorCore

/// A validated `targetRevision`: what the user asked for, before it is resolved against a remote.
///
/// Only a ``commit(_:)`` SHA, an abbreviated SHA of hex digits, and ref names that pass `git check-ref-format`
/// rules ever reach git as arguments; constraints are matched in Swift.
package enum GitRevision: Sendable, Hashable {
    /// The remote's default branch (`HEAD`, or an empty revision).
    case head
    /// A full 40-hex-digit commit SHA, lowercased.
    case commit(String)
    /// A branch, tag, full ref (`refs/pull/7/head`) or abbreviated SHA; `constraint` is set when the
    /// name also reads as a semantic-version constraint (`1.2`, `v1.2.3`), tried when no ref matches.
    case name(String, constraint: VersionConstraint?)
    /// A semantic-version constraint that cannot be a ref name (`^1.4`, `>=1.2.0 <2.0.0`).
    case constraint(VersionConstraint)

    /// Validates and classifies `text`.
    ///
    /// - Throws: ``GitError/Code/invalidRevision`` for a leading `-`, control characters, or text that is
    ///   neither a valid ref name nor a version constraint.
    package init(_ text: String) throws {
        guard !text.hasPrefix("-") else {
            throw Self.invalid(text, "it starts with '-' and would be read as an option")
        }
        guard !text.unicodeScalars.contains(where: GitError.isControl) else {
            throw Self.invalid(text, "it contains control characters")
        }
        if text.isEmpty || text == "HEAD" {
            self = .head
        } else if text.count == 40 && text.allSatisfy(\.isHexDigit) {
            self = .commit(text.lowercased())
        } else if Self.isValidRefName(text) {
            self = .name(text, constraint: VersionConstraint(text))
        } else if let constraint = VersionConstraint(text) {
            self = .constraint(constraint)
        } else {
            throw Self.invalid(text, "it is neither a valid branch, tag, ref or commit name nor a version constraint")
        }
    }

    /// Whether `text` is an abbreviated commit SHA git may look up (4 to 39 hex digits).
    static func isAbbreviatedSHA(_ text: String) -> Bool {
        (4...39).contains(text.count) && text.allSatisfy(\.isHexDigit)
    }

    /// The rules of `git check-ref-format --allow-onelevel`, plus "must not start with `-`".
    static func isValidRefName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 1024, name != "@", !name.hasPrefix("-"), !name.hasPrefix("/"),
            !name.hasSuffix("/"), !name.hasSuffix("."), !name.contains(".."), !name.contains("//"),
            !name.contains("@{")
        else { return false }
        let forbidden: Set<Character> = [" ", "~", "^", ":", "?", "*", "[", "\\"]
        guard !name.contains(where: { forbidden.contains($0) || $0.isWhitespace }),
            !name.unicodeScalars.contains(where: GitError.isControl)
        else { return false }
        return name.split(separator: "/").allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
    }

    private static func invalid(_ text: String, _ reason: String) -> GitError {
        GitError(
            .invalidRevision,
            "revision '\(GitError.quoted(text))' is not accepted: \(reason); use a branch, tag, commit SHA, "
                + "HEAD or a semantic-version constraint such as '^1.4'")
    }
}
