import GitSource
import Testing

@Suite("GnuPG status interpretation")
struct GitSignatureStatusTests {
    private let fingerprint = "A7A87532E50AF95C1B4F2A44AD5A288E6554B453"

    @Test("a good signature names its key and signer")
    func good() {
        let status = GitSignatureStatus(
            accepted: true,
            standardError: """
                gpg: checking the trustdb
                [GNUPG:] NEWSIG
                [GNUPG:] KEY_CONSIDERED \(fingerprint) 0
                [GNUPG:] GOODSIG AD5A288E6554B453 Sig Test <s@t>
                [GNUPG:] VALIDSIG \(fingerprint) 2026-11-21 1795290388 0 4 0 22 8 00 \(fingerprint)
                [GNUPG:] TRUST_ULTIMATE 0 pgp
                """)
        #expect(
            status.verdict(keyring: "/k") == .good(GitSignature(keyFingerprint: fingerprint, signer: "Sig Test <s@t>")))
    }

    @Test("no status lines means no signature")
    func missing() {
        #expect(GitSignatureStatus(accepted: false, standardError: "").verdict(keyring: "/k") == .missing)
    }

    @Test(
        "refused signatures say why",
        arguments: [
            (
                "[GNUPG:] ERRSIG AD5A288E6554B453 22 8 00 1795290388 9 -\n[GNUPG:] NO_PUBKEY AD5A288E6554B453",
                "key AD5A288E6554B453, which is not in the keyring /k"
            ),
            ("[GNUPG:] BADSIG AD5A288E6554B453 Sig Test <s@t>", "bad signature by key AD5A288E6554B453"),
            ("[GNUPG:] EXPKEYSIG AD5A288E6554B453 Sig Test <s@t>", "expired or revoked key AD5A288E6554B453"),
            ("[GNUPG:] NEWSIG", "did not accept"),
        ])
    func invalid(standardError: String, reason: String) throws {
        let verdict = GitSignatureStatus(accepted: false, standardError: standardError).verdict(keyring: "/k")
        guard case .invalid(let text) = verdict else {
            Issue.record("expected .invalid, got \(verdict)")
            return
        }
        #expect(text.contains(reason))
    }

    @Test("a good signature that git refused (e.g. below the minimum trust level) is not accepted")
    func refusedByGit() {
        let status = GitSignatureStatus(
            accepted: false,
            standardError: "[GNUPG:] GOODSIG AD5A288E6554B453 S <s@t>\n[GNUPG:] VALIDSIG \(fingerprint) x")
        #expect(status.verdict(keyring: "/k") != .good(GitSignature(keyFingerprint: fingerprint, signer: "S <s@t>")))
    }
}
