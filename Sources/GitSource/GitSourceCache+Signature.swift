extension GitSourceCache {
    /// Verifies the GnuPG signature of `commit` (a full SHA the cache holds) against the public keys in the
    /// GnuPG home directory `keyring` (used as `GNUPGHOME`).
    ///
    /// - Returns: The key and signer of a good signature.
    /// - Throws: ``GitError``: `signatureMissing` when the commit is unsigned; `signatureInvalid` when the
    ///   signature is bad, expired or revoked, or made by a key not in `keyring`; `invalidRevision`,
    ///   `revisionNotFound`.
    public func verifySignature(_ url: GitRepositoryURL, commit: String, keyring: String) async throws -> GitSignature {
        let sha = try Self.fullSHA(commit)
        let mirror = try await mirrorHolding(sha, of: url)
        switch try await mirror.verifyCommit(sha, keyring: keyring).verdict(keyring: keyring) {
        case .good(let signature):
            return signature
        case .missing:
            throw GitError(
                .signatureMissing,
                "commit \(sha) of \(url) is not signed: sign commits with a key in the configured keyring, or turn "
                    + "signature verification off for this repository")
        case .invalid(let reason):
            throw GitError(.signatureInvalid, "commit \(sha) of \(url) \(reason)")
        }
    }
}
