import Testing

@testable import Server

@Suite("Webhook signatures")
struct WebhookSignatureTests {
    /// GitHub's documented example: this secret and body give this signature.
    static let secret = Array("It's a Secret to Everybody".utf8)
    static let body = Array("Hello, World!".utf8)
    static let signature = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    @Test("The HMAC-SHA256 of GitHub's documented example")
    func documentedExample() {
        #expect(WebhookSignature.hexHMAC(Self.body, secret: Self.secret) == Self.signature)
    }

    @Test(
        "Valid signatures of every HMAC provider, in the header each uses",
        arguments: [
            (WebhookProvider.github, "X-Hub-Signature-256", "sha256=" + signature),
            (.github, "X-Hub-Signature-256", "sha256=" + signature.uppercased()),
            (.gitea, "X-Gitea-Signature", signature),
            (.gitea, "X-Forgejo-Signature", signature),
            (.bitbucket, "X-Hub-Signature", "sha256=" + signature),
            (.bitbucketServer, "X-Hub-Signature", "sha256=" + signature),
        ])
    func valid(provider: WebhookProvider, header: String, value: String) {
        #expect(
            WebhookSignature.isValid(
                [header.lowercased(): value], body: Self.body, secret: Self.secret, provider: provider))
    }

    @Test(
        "Wrong, malformed or missing signatures are refused",
        arguments: [
            ["x-hub-signature-256": "sha256=" + String(signature.dropLast()) + "0"],
            ["x-hub-signature-256": signature],
            ["x-hub-signature-256": "sha1=" + signature],
            ["x-hub-signature-256": "sha256=" + String(signature.dropLast())],
            ["x-hub-signature-256": "sha256=zz" + String(signature.dropFirst(2))],
            ["x-hub-signature-256": "sha256="],
            ["x-hub-signature": "sha256=" + signature],
            [:],
        ])
    func invalid(headers: [String: String]) {
        #expect(
            !WebhookSignature.isValid(headers, body: Self.body, secret: Self.secret, provider: .github))
    }

    @Test("A signature of another body or secret is refused")
    func otherBodyOrSecret() {
        let headers = ["x-hub-signature-256": "sha256=" + Self.signature]
        #expect(
            !WebhookSignature.isValid(
                headers, body: Self.body + [0x20], secret: Self.secret, provider: .github))
        #expect(
            !WebhookSignature.isValid(
                headers, body: Self.body, secret: Self.secret + [0x20], provider: .github))
    }

    @Test("GitLab: the token must equal the secret exactly")
    func gitlabToken() {
        let secret = Array("s3cr3t-token".utf8)
        #expect(
            WebhookSignature.isValid(
                ["x-gitlab-token": "s3cr3t-token"], body: [], secret: secret, provider: .gitlab))
        for wrong in ["s3cr3t-toke", "s3cr3t-token ", "S3CR3T-TOKEN", ""] {
            #expect(
                !WebhookSignature.isValid(
                    ["x-gitlab-token": wrong], body: [], secret: secret, provider: .gitlab))
        }
        #expect(!WebhookSignature.isValid([:], body: [], secret: secret, provider: .gitlab))
    }

    @Test("Constant-time comparison is plain equality")
    func constantTimeEquals() {
        #expect(WebhookSignature.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(WebhookSignature.constantTimeEquals([], []))
        #expect(!WebhookSignature.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!WebhookSignature.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!WebhookSignature.constantTimeEquals([1, 2], [1, 2, 0]))
    }
}
