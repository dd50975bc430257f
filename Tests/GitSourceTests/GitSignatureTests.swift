import Foundation
import GitSource
import MoorTestSupport
import Testing

@Suite("Commit signature verification (GnuPG)", .timeLimit(.minutes(10)))
struct GitSignatureTests {
    @Test("a commit signed by a trusted key passes; unsigned and foreign-signed commits are refused")
    func verification() async throws {
        var keyrings: [GitTestKeyring] = []
        do {
            let signer = try await GitTestKeyring.create(name: "Trusted Signer", email: "trusted@moor.invalid")
            keyrings.append(signer)
            let stranger = try await GitTestKeyring.create(name: "Someone Else", email: "else@moor.invalid")
            keyrings.append(stranger)
            let verifier = try await GitTestKeyring.trusting([signer])
            keyrings.append(verifier)
            try await verify(signer: signer, stranger: stranger, verifier: verifier)
        } catch {
            for keyring in keyrings { await keyring.remove() }
            throw error
        }
        for keyring in keyrings { await keyring.remove() }
    }

    private func verify(signer: GitTestKeyring, stranger: GitTestKeyring, verifier: GitTestKeyring) async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("signed")
            let unsigned = try await repo.sha(of: "HEAD")
            let signed = try await repo.commit("signed", files: ["a": "1\n"], signedBy: signer)
            let foreignSigned = try await repo.commit("foreign", files: ["a": "2\n"], signedBy: stranger)
            _ = try await workspace.cache.resolve(url, revision: "main")
            let cache = workspace.cache

            let signature = try await cache.verifySignature(url, commit: signed, keyring: verifier.home)
            #expect(signature.keyFingerprint == signer.fingerprint)
            #expect(signature.signer == "Trusted Signer <trusted@moor.invalid>")

            let missing = await #expect(throws: GitError.self) {
                try await cache.verifySignature(url, commit: unsigned, keyring: verifier.home)
            }
            #expect(missing?.code == .signatureMissing)
            #expect(missing?.message.contains("is not signed") == true)

            let invalid = await #expect(throws: GitError.self) {
                try await cache.verifySignature(url, commit: foreignSigned, keyring: verifier.home)
            }
            #expect(invalid?.code == .signatureInvalid)
            #expect(invalid?.message.contains("not in the keyring") == true)
        }
    }
}
