import Controller
import Foundation
import Hummingbird
import MoorCore

extension APIRoutes {
    /// The preview routes: `GET /api/v1/previews` (every pull request previewed, newest first),
    /// `GET /api/v1/previews/{repository}/{number}` (one, the repository URL percent-encoded) and
    /// `POST /api/v1/previews` (preview a revision now; `number` keeps it as that pull request's).
    /// A caller sees only the applications of a preview its token may read.
    func addPreviews(to api: RouterGroup<MoorRequestContext>) {
        api.get("previews") { _, context in
            let caller = try context.authorize(.read)
            var items: [JSONValue] = []
            for entry in await previews.all() {
                items.append(await summary(of: entry, for: caller))
            }
            return APIResponse.json(["items": .array(items)])
        }
        api.get("previews/:repository/:number") { _, context in
            let caller = try context.authorize(.read)
            let repository = try context.parameters.require("repository")
            let number = try context.parameters.require("number")
            guard let number = Int(number),
                let entry = await previews.get(repository.removingPercentEncoding ?? repository, number: number)
            else {
                throw APIError.notFound(
                    "no preview of pull request \(number) of \(repository): a pull-request webhook or "
                        + "POST /api/v1/previews with its number makes one")
            }
            return APIResponse.json(await representation(of: entry.preview, number: number, for: caller))
        }
        api.post("previews") { request, context in
            let caller = try context.authorize(.preview)
            let body = try await APIRequestBody.read(
                request, allowed: ["repository", "revision", "number"],
                example:
                    #"{"repository": "https://git.example/org/repo.git", "revision": "refs/pull/7/head", "number": 7}"#,
                within: bodyTimeout)
            guard let repository = try body.string("repository"), !repository.isEmpty,
                let revision = try body.string("revision"), !revision.isEmpty, !revision.hasPrefix("-")
            else {
                throw APIError.badRequest(
                    #"a preview needs "repository" (a Git URL) and "revision" (a ref such as refs/pull/7/head)"#)
            }
            let number = try body.int("number")
            let preview = await controller.preview(.init(repository: repository, revision: revision))
            if let number { await previews.keep(preview, number: number, notifying: controller) }
            logger.info(
                "preview requested",
                metadata: [
                    "revision": "\(revision)", "applications": "\(preview.applications.count)", "by": "\(caller.name)",
                ])
            return APIResponse.json(await representation(of: preview, number: number, for: caller))
        }
    }

    /// `preview` as `caller` may see it: applications its token may not read are left out.
    private func representation(of preview: ApplicationController.Preview, number: Int?, for caller: APIToken) async
        -> JSONValue
    {
        var visible = preview
        var allowed: Set<String> = []
        for name in preview.applications.map(\.name) + preview.untouched {
            if let snapshot = await controller.snapshot(of: name), caller.canSee(snapshot.application) {
                allowed.insert(name)
            }
        }
        visible.applications = preview.applications.filter { allowed.contains($0.name) }
        visible.untouched = preview.untouched.filter(allowed.contains)
        var json = visible.json
        json["number"] = number.map(JSONValue.int) ?? .null
        return json
    }

    /// One line of the preview list.
    private func summary(of entry: PreviewStore.Entry, for caller: APIToken) async -> JSONValue {
        let full = await representation(of: entry.preview, number: entry.key.number, for: caller)
        var json: JSONValue = [
            "repository": .string(entry.preview.request.repository), "number": .int(entry.key.number),
            "revision": .string(entry.preview.request.revision), "madeAt": .string(entry.madeAt.formatted(.iso8601)),
        ]
        json["commit"] = full["commit"]
        json["differs"] = full["differs"]
        json["applications"] = .array(
            (full["applications"]?.arrayValue ?? []).map { ["name": $0["name"] ?? .null, "sync": $0["sync"] ?? .null] })
        return json
    }
}
