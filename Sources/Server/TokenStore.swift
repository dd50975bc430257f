/// The API tokens the server accepts. Finding a token's holder takes the same time whichever
/// token (if any) it is: every entry is compared, byte for byte without early exit, by digest.
struct TokenStore: Sendable {
    /// The entries, in the order given.
    let tokens: [APIToken]

    /// A store of `tokens`; throws when two entries hold the same token (which name would be ambiguous).
    init(_ tokens: [APIToken]) throws(TokenStoreError) {
        var seen: [[UInt8]: String] = [:]
        for token in tokens {
            if let other = seen.updateValue(token.name, forKey: token.digest) {
                throw TokenStoreError("tokens \"\(other)\" and \"\(token.name)\" are the same token; give each its own")
            }
        }
        self.tokens = tokens
    }

    /// The holder of `presented`; `nil` for a token the store does not hold.
    func holder(of presented: some Collection<UInt8>) -> APIToken? {
        let digest = APIToken.digest(of: presented)
        var match: APIToken?
        for token in tokens where Self.constantTimeEqual(token.digest, digest) {
            match = token
        }
        return match
    }

    /// Whether `a` and `b` are equal, in a time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// A token document or source that cannot be used; the message says where and what to fix, and
/// never holds a token.
struct TokenStoreError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
