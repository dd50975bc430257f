import Hummingbird

/// The access-control middleware of `/api/v1`: identifies the caller by `Authorization: Bearer
/// <token>` (401 otherwise) and stores it in the request context for the routes' role checks.
struct TokenAuthenticator: RouterMiddleware {
    /// The tokens in force.
    let access: AccessControl

    /// Passes the request on with its caller set, or throws 401.
    func handle(
        _ request: Request, context: MoorRequestContext, next: (Request, MoorRequestContext) async throws -> Response
    ) async throws -> Response {
        guard access.hasTokens else {
            throw APIError.unauthorized(
                "this server accepts no API tokens: start the controller with --tokens-file FILE or "
                    + "--tokens-secret NAMESPACE/NAME")
        }
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else {
            throw APIError.unauthorized("send an API token as \"Authorization: Bearer <token>\"")
        }
        guard let caller = access.holder(of: header.utf8.dropFirst(7)) else {
            throw APIError.unauthorized("the bearer token is not known: check it, or ask an admin for one")
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }
}

extension MoorRequestContext {
    /// The caller, when it may do `action` to application `name` (any application for `nil`) of
    /// `project` (`nil` when the application does not exist). Throws 404 when the application's name
    /// or project is outside the caller's globs (as if it did not exist), then 403 when its role is
    /// not enough, 401 without a caller.
    func authorize(_ action: AccessAction, application name: String? = nil, project: String? = nil)
        throws(APIError) -> APIToken
    {
        guard let caller else { throw APIError.unauthorized("send an API token as \"Authorization: Bearer <token>\"") }
        if let name, !caller.canSee(name) { throw APIError.noApplication(name) }
        if let name, let project, !caller.canSee(project: project) { throw APIError.noApplication(name) }
        guard caller.role.permits(action) else {
            throw APIError.forbidden(
                "token \"\(caller.name)\" has role \(caller.role.rawValue), which may not \(action.rawValue); "
                    + "this needs role \(action.minimumRole.rawValue) or higher")
        }
        return caller
    }
}
