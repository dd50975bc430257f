import Controller
import Hummingbird
import Logging
import MoorCore
import NIOCore

/// The JSON API under `/api/v1` (docs/openapi.yaml): applications, their diff, sync, refresh,
/// history, rollback and object tree, pull-request previews, the caller's session and a live event
/// stream. Every route needs a bearer token (``TokenAuthenticator``); an application outside the
/// token's globs is 404.
struct APIRoutes: Sendable {
    /// The controller the API drives.
    let controller: any ApplicationService
    /// The tokens in force.
    let access: AccessControl
    /// How often the event stream sends a keep-alive comment.
    let keepAliveInterval: Duration
    /// How long a request body may take to arrive whole.
    let bodyTimeout: Duration
    /// Logs who asked for each write (token names, never tokens).
    let logger: Logger
    /// The encoded summaries of lists and events.
    let summaries = APISummaryCache()
    /// The pull requests' previews (the webhook receiver's too).
    var previews = PreviewStore()

    /// Adds the routes to `router`.
    func add(to router: Router<MoorRequestContext>) {
        let api = router.group("api/v1").add(middleware: TokenAuthenticator(access: access))
        api.get("session") { _, context in
            APIResponse.json(APIRepresentation.session(try context.authorize(.read)))
        }
        api.get("applications") { request, context in
            try await list(request, caller: try context.authorize(.read))
        }
        api.get("applications/:name") { _, context in
            let name = try context.parameters.require("name")
            return APIResponse.json(APIRepresentation.detail(try await snapshot(name, for: .read, context).snapshot))
        }
        api.get("applications/:name/history") { _, context in
            let name = try context.parameters.require("name")
            let history = try await snapshot(name, for: .read, context).snapshot.status.history
            return APIResponse.json(["items": .array(history.map(APIRepresentation.historyEntry))])
        }
        api.get("applications/:name/diff") { _, context in
            let name = try context.parameters.require("name")
            _ = try await snapshot(name, for: .read, context)
            let (sync, objects) = try await Self.answering { () async throws(ApplicationController.OperationError) in
                try await controller.differences(of: name)
            }
            return APIResponse.json(APIRepresentation.diff(sync: sync, objects: objects))
        }
        api.get("applications/:name/tree") { _, context in
            let name = try context.parameters.require("name")
            _ = try await snapshot(name, for: .read, context)
            let nodes = try await Self.answering { () async throws(ApplicationController.OperationError) in
                try await controller.tree(of: name)
            }
            return APIResponse.json(APIRepresentation.tree(nodes))
        }
        api.post("applications/:name/sync") { request, context in
            try await sync(request, context)
        }
        api.post("applications/:name/refresh") { _, context in
            let name = try context.parameters.require("name")
            let caller = try await snapshot(name, for: .refresh, context).caller
            await controller.refresh(name)
            logger.info("refresh requested", metadata: ["application": "\(name)", "by": "\(caller)"])
            return APIResponse.json(["queued": true], status: .accepted)
        }
        api.post("applications/:name/rollback") { request, context in
            try await rollback(request, context)
        }
        api.get("events") { _, context in
            events(for: try context.authorize(.read))
        }
        addPreviews(to: api)
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            api.on("**", method: method) { request, _ -> Response in
                throw APIError.notFound(
                    "no API route \(request.method) \(request.uri.path): see docs/openapi.yaml for the routes")
            }
        }
    }

    /// `GET /api/v1/applications`: the applications the caller may see, filtered by the `sync`,
    /// `health` and `name` (a glob) query parameters, sorted by name.
    private func list(_ request: Request, caller: APIToken) async throws -> Response {
        let query = request.uri.queryParameters
        let sync = query.get("sync")
        let health = query.get("health")
        var glob: Glob?
        if let pattern = query.get("name") {
            do {
                glob = try Glob(pattern)
            } catch {
                throw APIError.badRequest("the name filter is not a valid glob: \(error.reason)")
            }
        }
        let snapshots = await controller.snapshots()
        summaries.retain(only: Set(snapshots.map(\.application.name)))
        var body = ByteBuffer(string: #"{"items":["#)
        var first = true
        for snapshot in snapshots
        where caller.canSee(snapshot.application) && (glob?.matches(snapshot.application.name) ?? true)
            && (sync.map { $0 == snapshot.status.sync.status.rawValue } ?? true)
            && (health.map { $0 == snapshot.status.health.status.rawValue } ?? true)
        {
            if !first { body.writeString(",") }
            first = false
            body.writeBytes(summaries.bytes(of: snapshot))
        }
        body.writeString("]}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    /// The application `name` and the caller, when the caller may do `action` to it.
    private func snapshot(_ name: String, for action: AccessAction, _ context: MoorRequestContext)
        async throws(APIError)
        -> (snapshot: ApplicationController.Snapshot, caller: String)
    {
        let found = await controller.snapshot(of: name)
        let caller = try context.authorize(action, application: name, project: found?.application.spec.project)
        guard let snapshot = found else { throw APIError.noApplication(name) }
        return (snapshot, caller.name)
    }

    /// `POST …/sync` with `{"prune", "dryRun", "revision"}` (all optional).
    private func sync(_ request: Request, _ context: MoorRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let caller = try await snapshot(name, for: .sync, context).caller
        let body = try await APIRequestBody.read(
            request, allowed: ["prune", "dryRun", "revision"], example: #"{"prune": false, "dryRun": true}"#,
            within: bodyTimeout)
        let options = ApplicationController.SyncRequest(
            prune: try body.bool("prune") ?? false, dryRun: try body.bool("dryRun") ?? false,
            revision: try body.string("revision"))
        if let revision = options.revision, revision.isEmpty || revision.hasPrefix("-") {
            throw APIError.badRequest("revision \"\(revision)\" is not a branch, tag or commit")
        }
        logger.info(
            "sync requested",
            metadata: [
                "application": "\(name)", "by": "\(caller)", "prune": "\(options.prune)", "dryRun": "\(options.dryRun)",
                "revision": "\(options.revision ?? "")",
            ])
        let outcome = try await Self.answering { () async throws(ApplicationController.OperationError) in
            try await controller.sync(name, options)
        }
        return APIResponse.json(APIRepresentation.sync(outcome))
    }

    /// `POST …/rollback` with `{"id": N}` or `{"revision": "<sha>"}`, and optional `"prune"`.
    private func rollback(_ request: Request, _ context: MoorRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let caller = try await snapshot(name, for: .rollback, context).caller
        let body = try await APIRequestBody.read(
            request, allowed: ["id", "revision", "prune"], example: #"{"id": 3}"#, within: bodyTimeout)
        let target: ApplicationController.RollbackTarget
        switch (try body.int("id"), try body.string("revision")) {
        case (let id?, nil): target = .history(id)
        case (nil, let revision?): target = .revision(revision)
        default:
            throw APIError.badRequest(
                "name exactly one history entry: {\"id\": N} or {\"revision\": \"<sha>\"} "
                    + "(see GET /api/v1/applications/\(name)/history)")
        }
        let prune = try body.bool("prune") ?? false
        logger.info("rollback requested", metadata: ["application": "\(name)", "by": "\(caller)", "to": "\(target)"])
        let result: ApplicationController.RollbackResult
        do {
            result = try await controller.rollback(name, to: target, prune: prune)
        } catch let error as ApplicationError {
            throw APIError.badRequest(
                "\(error.message) (see GET /api/v1/applications/\(name)/history for the entries)")
        } catch {
            throw APIError.badGateway("rolling back \(name) failed before anything was synced: \(error)")
        }
        return APIResponse.json([
            "entry": APIRepresentation.historyEntry(result.entry),
            "operation": APIRepresentation.operation(result.operation), "message": .string(result.message),
        ])
    }

    /// The result of `body`, its ``ApplicationController/OperationError`` mapped to 404, 400, 409 or 502.
    static func answering<T>(_ body: () async throws(ApplicationController.OperationError) -> T) async throws(APIError)
        -> T
    {
        do {
            return try await body()
        } catch {
            switch error.kind {
            case .notFound: throw APIError.notFound(error.message)
            case .invalidRequest: throw APIError.badRequest(error.message)
            case .elsewhere: throw APIError(status: .conflict, message: error.message)
            case .failed: throw APIError.badGateway(error.message)
            }
        }
    }
}
