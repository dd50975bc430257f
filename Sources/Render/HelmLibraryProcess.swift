import Foundation
public import MoorCore

/// How the Helm library is kept from taking its caller down: each library call runs in a child
/// process (`executable helm-library`), under the render's memory limit
/// (``RenderConfiguration/toolMemoryLimit``) and stopped with its process group at the tool timeout.
/// A chart that allocates without bound, or loops, then costs only its own render.
public struct HelmIsolation: Sendable, Hashable {
    /// An executable that serves ``HelmLibraryProcess`` requests as `helm-library` (the `moor` binary).
    public var executable: String

    /// Creates an isolation.
    public init(executable: String) {
        self.executable = executable
    }
}

/// The two library calls a Helm render makes, in this process or in a child.
protocol HelmLibraryCalls: Sendable {
    /// The dependencies the chart in `directory` declares, as Helm finds them in its `charts/`.
    func dependencies(directory: String) async throws(HelmLibrary.Failure) -> [HelmLibrary.Dependency]
    /// Renders the chart in `directory` (``HelmLibrary/render(directory:values:options:includeCRDs:)``).
    func render(
        directory: String, values: String, options: String, includeCRDs: Bool
    ) async throws(HelmLibrary.Failure) -> [HelmLibrary.RenderedFile]
}

extension HelmLibrary: HelmLibraryCalls {}

/// The Helm library in a child process: the parent side (``HelmLibraryCalls``) writes a request
/// file (0600: values may hold secrets), runs `executable helm-library --library PATH --request FILE`
/// through the ``ToolRunner`` (timeout, memory limit, process group, output bound), and reads the
/// JSON answer; the child side is ``serve(request:libraryPath:)``.
public struct HelmLibraryProcess: HelmLibraryCalls {
    let isolation: HelmIsolation
    let libraryPath: String
    let runner: ToolRunner
    let root: SourceRoot

    /// The code of a failure of the child itself (not of a Helm call): out of memory, timed out, crashed.
    static let childFailed: Int32 = -2

    func dependencies(directory: String) async throws(HelmLibrary.Failure) -> [HelmLibrary.Dependency] {
        let answer = try await call(["operation": "dependencies", "directory": .string(directory)])
        return (answer["dependencies"]?.arrayValue ?? []).map { entry in
            HelmLibrary.Dependency(
                name: entry["name"]?.stringValue ?? "", version: entry["version"]?.stringValue ?? "",
                repository: entry["repository"]?.stringValue ?? "", status: entry["status"]?.stringValue ?? "")
        }
    }

    func render(
        directory: String, values: String, options: String, includeCRDs: Bool
    ) async throws(HelmLibrary.Failure) -> [HelmLibrary.RenderedFile] {
        let answer = try await call([
            "operation": "render", "directory": .string(directory), "values": .string(values),
            "options": .string(options), "includeCRDs": .bool(includeCRDs),
        ])
        return (answer["files"]?.arrayValue ?? []).map { file in
            HelmLibrary.RenderedFile(name: file["name"]?.stringValue ?? "", text: file["text"]?.stringValue ?? "")
        }
    }

    private func call(_ request: JSONValue) async throws(HelmLibrary.Failure) -> JSONValue {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moor-helm-\(UUID()).json")
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data(request.jsonBytes()), attributes: [.posixPermissions: 0o600])
        else { throw HelmLibrary.Failure(code: Self.childFailed, message: "cannot write a temporary request file") }
        defer { try? FileManager.default.removeItem(at: file) }
        let output: [UInt8]
        do {
            output = try await runner.run(
                "helm", executable: isolation.executable,
                arguments: ["helm-library", "--library", libraryPath, "--request", file.path], root: root, about: nil)
        } catch {
            throw HelmLibrary.Failure(code: Self.childFailed, message: error.message)
        }
        guard let answer = try? JSONValue(parsing: output) else {
            throw HelmLibrary.Failure(code: Self.childFailed, message: "the Helm child process answered no JSON")
        }
        if let failure = answer["error"] {
            throw HelmLibrary.Failure(
                code: Int32(failure["code"]?.intValue ?? -1), message: failure["message"]?.stringValue ?? "")
        }
        return answer
    }

    /// The child side: loads the library at `libraryPath`, performs the request in the file `request`
    /// and returns the JSON answer (a Helm failure is an `error` entry in it, not a thrown error).
    public static func serve(request path: String, libraryPath: String) async -> JSONValue {
        guard let bytes = FileManager.default.contents(atPath: path),
            let request = try? JSONValue(parsing: Array(bytes))
        else { return failure("cannot read the request \(path)") }
        let library: HelmLibrary
        do {
            library = try HelmLibrary(path: libraryPath)
        } catch {
            return failure(error.message)
        }
        let directory = request["directory"]?.stringValue ?? ""
        do throws(HelmLibrary.Failure) {
            switch request["operation"]?.stringValue {
            case "dependencies":
                let found = try await library.dependencies(directory: directory)
                return [
                    "dependencies": .array(
                        found.map {
                            [
                                "name": .string($0.name), "version": .string($0.version),
                                "repository": .string($0.repository), "status": .string($0.status),
                            ]
                        })
                ]
            case "render":
                let files = try await library.render(
                    directory: directory, values: request["values"]?.stringValue ?? "{}",
                    options: request["options"]?.stringValue ?? "{}",
                    includeCRDs: request["includeCRDs"]?.boolValue ?? false)
                return ["files": .array(files.map { ["name": .string($0.name), "text": .string($0.text)] })]
            default:
                return failure("unknown operation in \(path)")
            }
        } catch {
            return ["error": ["code": .int(Int(error.code)), "message": .string(error.message)]]
        }
    }

    private static func failure(_ message: String) -> JSONValue {
        ["error": ["code": .int(Int(childFailed)), "message": .string(message)]]
    }
}
