import KubeClient
import Logging
import Synchronization

/// The API tokens in force: loaded from a ``TokenSource`` and reloaded from it, so a changed file
/// or Secret takes effect without a restart (a reload that fails keeps the tokens in force).
/// Without a source no token is accepted.
final class AccessControl: Sendable {
    /// Where the tokens come from; `nil` when none were configured.
    let source: TokenSource?
    private let store: Mutex<TokenStore?>

    /// Tokens `store` from `source`.
    init(source: TokenSource?, store: TokenStore?) {
        self.source = source
        self.store = Mutex(store)
    }

    /// Loads the tokens of `source` (none for `nil`); throws when they cannot be read or parsed.
    static func load(_ source: TokenSource?, client: KubeClient) async throws(TokenStoreError) -> AccessControl {
        AccessControl(source: source, store: try await source?.load(client: client))
    }

    /// The holder of the bearer token `presented`; `nil` when no token in force matches.
    func holder(of presented: some Collection<UInt8>) -> APIToken? {
        store.withLock { $0?.holder(of: presented) }
    }

    /// Whether any token is in force.
    var hasTokens: Bool {
        store.withLock { !($0?.tokens.isEmpty ?? true) }
    }

    /// Reads the source again; on failure logs why (never a token) and keeps the tokens in force
    /// (a reload cancelled by shutdown is not logged).
    func reload(client: KubeClient, logger: Logger) async {
        guard let source else { return }
        do {
            let loaded = try await source.load(client: client)
            store.withLock { $0 = loaded }
        } catch {
            guard !Task.isCancelled else { return }
            logger.warning(
                "reloading the API tokens failed; the previous ones stay in force",
                metadata: [
                    "source": "\(source)", "error": "\(error)",
                ])
        }
    }
}
