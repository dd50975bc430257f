import Crypto
import Foundation
import Hummingbird

/// The web UI's files (Sources/Server/UI, copied into the module's bundle), read once and served from memory at
/// `/` (index.html) and `/ui/PATH`.
///
/// Only files found under the UI folder when the server starts are served: a request names a key of that table,
/// never a path on disk, so `..` or an encoded separator cannot reach anything else. Responses carry an ETag and
/// `Cache-Control: no-cache` (browsers revalidate and get 304 while the files are unchanged), `nosniff`, and on the
/// page a Content-Security-Policy that allows only the UI's own scripts, styles and API.
struct StaticFiles: Sendable {
    /// One file of the UI.
    struct File: Sendable {
        /// The file's bytes.
        let body: ByteBuffer
        /// Its media type, from the file extension.
        let contentType: String
        /// A strong validator: a quoted prefix of the SHA-256 of the bytes.
        let eTag: String
    }

    /// The files by their path relative to the UI folder ("index.html", "js/main.js").
    let files: [String: File]

    /// Reads every regular file under `directory`.
    /// - Throws: `StaticFilesError` when the folder cannot be read.
    init(directory: URL) throws {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        guard
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { throw StaticFilesError.unreadable(root.path) }
        var files: [String: File] = [:]
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard path.hasPrefix(root.path + "/") else { continue }
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw StaticFilesError.unreadable(path) }
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            files[String(path.dropFirst(root.path.count + 1))] = File(
                body: ByteBuffer(bytes: data), contentType: Self.contentType(of: url.pathExtension),
                eTag: "\"\(digest)\"")
        }
        guard files["index.html"] != nil else {
            throw StaticFilesError.unreadable(root.appendingPathComponent("index.html").path)
        }
        self.files = files
    }

    /// The UI files bundled with the Server module: the folder named by `MOOR_UI_DIR`, else the `UI`
    /// folder of the `Moor_Server.resources` bundle beside the running binary (or beside the file a
    /// symlink to it points at). Looked up by hand rather than through `Bundle.module`, which stops the
    /// process when the bundle is missing.
    /// - Throws: `StaticFilesError` when no such folder can be read.
    static func bundled() throws -> StaticFiles {
        if let directory = ProcessInfo.processInfo.environment["MOOR_UI_DIR"], !directory.isEmpty {
            return try StaticFiles(directory: URL(fileURLWithPath: directory))
        }
        var folders = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL {
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        let candidates = folders.map { $0.appendingPathComponent("Moor_Server.resources/UI") }
        guard let directory = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw StaticFilesError.unreadable(candidates.map(\.path).joined(separator: " or "))
        }
        return try StaticFiles(directory: directory)
    }

    /// Adds the UI's routes to `router`: `GET /` and `GET /ui` (the page) and `GET /ui/**` (its files).
    /// - Throws: `StaticFilesError` when the bundled UI folder cannot be read (a broken installation).
    static func register<Context: RequestContext>(on router: some RouterMethods<Context>) throws {
        let files = try bundled()
        router.get("/") { request, _ in try files.response(for: "index.html", to: request) }
        router.get("/ui") { request, _ in try files.response(for: "index.html", to: request) }
        router.get("/ui/**") { request, context in
            try files.response(for: context.parameters.getCatchAll().joined(separator: "/"), to: request)
        }
    }

    /// The response for the file at `path`: the file, 304 when `If-None-Match` names its ETag, else 404.
    func response(for path: String, to request: Request) throws -> Response {
        guard let file = files[path.isEmpty ? "index.html" : path] else {
            throw HTTPError(.notFound, message: "no file \"ui/\(path)\" in the web UI; open / for the UI")
        }
        var headers: HTTPFields = [
            .eTag: file.eTag, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff",
        ]
        if file.contentType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = Self.pagePolicy
            headers[Self.referrerPolicy] = "no-referrer"
        }
        let known = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
        if known.contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.eTag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.body))
    }

    /// The page may load only its own scripts, styles and API; no frames, no plugins, no foreign forms.
    static let pagePolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        + "frame-ancestors 'none'; form-action 'self'"

    /// Commit links open Git hosts; they need not learn the Moor server's address.
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!

    /// The media type for a file extension; unknown extensions are served as bytes.
    static func contentType(of pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}

/// The web UI's files could not be read when the server started.
enum StaticFilesError: Error, CustomStringConvertible {
    /// `path` is missing or unreadable.
    case unreadable(String)

    /// What went wrong and what to do.
    var description: String {
        switch self {
        case .unreadable(let path):
            "cannot read the web UI at \(path): install the Moor_Server.resources folder from the build beside the moor "
                + "binary, or set MOOR_UI_DIR to a copy of Sources/Server/UI"
        }
    }
}
