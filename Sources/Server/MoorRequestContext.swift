import Hummingbird

/// The request context of every route of the Moor server: Hummingbird's core storage plus the
/// caller the access-control middleware identified by its bearer token.
struct MoorRequestContext: RequestContext {
    /// Hummingbird's per-request storage (logger, path parameters).
    var coreContext: CoreRequestContextStorage
    /// The token that authenticated this request; `nil` on routes that need none.
    var caller: APIToken?

    /// Creates the context of a new request, with no caller yet.
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
