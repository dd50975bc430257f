import Crypto

/// Checks that a webhook request carries proof of its provider's secret: an HMAC-SHA256 of the
/// exact body (GitHub, Gitea/Forgejo, Bitbucket) or the secret itself (GitLab). Every comparison
/// takes the same time whatever the bytes, so timing tells an attacker nothing.
enum WebhookSignature {
    /// Whether the request with `headers` (names lowercased) and `body` proves `secret` for `provider`.
    /// A missing or malformed signature is `false`.
    static func isValid(_ headers: [String: String], body: [UInt8], secret: [UInt8], provider: WebhookProvider) -> Bool
    {
        switch provider {
        case .github: return isValidHMAC(headers["x-hub-signature-256"], prefix: "sha256=", body: body, secret: secret)
        case .gitea:
            let signature = headers["x-forgejo-signature"] ?? headers["x-gitea-signature"]
            return isValidHMAC(signature, prefix: "", body: body, secret: secret)
        case .bitbucket, .bitbucketServer:
            return isValidHMAC(headers["x-hub-signature"], prefix: "sha256=", body: body, secret: secret)
        case .gitlab:
            guard let token = headers["x-gitlab-token"] else { return false }
            return constantTimeEquals(Array(token.utf8), secret)
        }
    }

    /// The hex HMAC-SHA256 of `body` under `secret`, as providers send it (without a `sha256=` prefix).
    static func hexHMAC(_ body: [UInt8], secret: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return code.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Whether `header` is `prefix` followed by the hex HMAC-SHA256 of `body` under `secret`.
    private static func isValidHMAC(_ header: String?, prefix: String, body: [UInt8], secret: [UInt8]) -> Bool {
        guard let header, header.hasPrefix(prefix), let code = bytes(hex: header.dropFirst(prefix.count)) else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: SymmetricKey(data: secret))
    }

    /// `a == b` in time that depends only on their lengths' maximum, not on where they differ.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    /// The bytes of an even-length hex string (either case); `nil` for anything else.
    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard !digits.isEmpty, digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
