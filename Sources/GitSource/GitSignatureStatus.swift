/// What GnuPG said about a commit signature: the `[GNUPG:] KEYWORD arguments` status lines that
/// `git verify-commit --raw` prints, and whether git accepted the signature.
package struct GitSignatureStatus: Sendable {
    /// The outcome of a verification.
    package enum Verdict: Sendable, Equatable {
        /// A good signature by a key in the keyring.
        case good(GitSignature)
        /// The commit carries no signature.
        case missing
        /// The signature was refused; the text says why and what to do, completing "commit X of URL …".
        case invalid(String)
    }

    private let accepted: Bool
    private var arguments: [String: String] = [:]

    /// Parses `standardError` of `git verify-commit --raw`; `accepted` is whether git exited with 0.
    package init(accepted: Bool, standardError: String) {
        self.accepted = accepted
        for line in standardError.split(separator: "\n") where line.hasPrefix("[GNUPG:] ") {
            let words = line.dropFirst("[GNUPG:] ".count).split(separator: " ", maxSplits: 1)
            if let keyword = words.first, arguments[String(keyword)] == nil {
                arguments[String(keyword)] = words.count > 1 ? String(words[1]) : ""
            }
        }
    }

    /// The verdict; `keyring` is named in advice about missing keys.
    package func verdict(keyring: String) -> Verdict {
        if accepted, let valid = arguments["VALIDSIG"], let good = arguments["GOODSIG"] {
            let fingerprint = valid.split(separator: " ").first.map(String.init) ?? ""
            let signer = good.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            return .good(GitSignature(keyFingerprint: fingerprint, signer: signer))
        }
        if arguments.isEmpty { return .missing }
        let keyID =
            ["ERRSIG", "NO_PUBKEY", "BADSIG", "EXPKEYSIG", "REVKEYSIG"].lazy
            .compactMap { arguments[$0]?.split(separator: " ").first }.first.map { " \($0)" } ?? ""
        if arguments["BADSIG"] != nil {
            return .invalid("has a bad signature by key\(keyID): it was altered after signing; do not deploy it")
        }
        if arguments["EXPKEYSIG"] != nil || arguments["REVKEYSIG"] != nil || arguments["EXPSIG"] != nil {
            return .invalid("is signed by an expired or revoked key\(keyID): re-sign it with a valid key")
        }
        if arguments["NO_PUBKEY"] != nil || arguments["ERRSIG"] != nil {
            return .invalid(
                "is signed by key\(keyID), which is not in the keyring \(keyring): import the signer's public key "
                    + "if it is trusted")
        }
        return .invalid("has a signature GnuPG did not accept: check the keyring \(keyring)")
    }
}
