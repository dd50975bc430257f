import Foundation
import MoorCore

/// Evaluates `.jsonnet` programs with the `jsonnet` binary; a program yields an object, a list of
/// objects or a `List`.
///
/// Before `jsonnet` runs, every file the program imports (transitively) is located the way jsonnet
/// does (beside the importing file, then in the library directories) and refused if any candidate
/// leaves the checkout, so a program cannot read `/etc/passwd` with `importstr`.
struct JsonnetRenderer {
    let root: SourceRoot
    let options: JsonnetOptions
    let runner: ToolRunner
    /// The configured `jsonnet` binary; `nil` looks it up on `PATH` when first needed.
    let executable: String?

    /// Evaluates `file`; objects carry the file as their location (lines are unknown).
    func evaluate(_ file: ConfinedPath) async throws(RenderError) -> [ManifestObject] {
        let libraries = try options.libs.map { path throws(RenderError) in
            try root.resolve(path, what: "directory.jsonnet.libs entry")
        }
        var visited: Set<ConfinedPath> = []
        try checkImports(of: file, libraries: libraries, visited: &visited)
        guard let executable = executable ?? ExecutableLookup.find("jsonnet") else {
            throw RenderError(
                .toolUnavailable, at: file.location(),
                "jsonnet is not installed; install it (Debian: apt-get install jsonnet) to render .jsonnet files")
        }
        var arguments: [String] = []
        for library in libraries { arguments += ["-J", library.absolute] }
        for variable in options.extVars {
            arguments += [variable.code ? "--ext-code" : "--ext-str", try Self.assignment(variable, "extVars")]
        }
        for variable in options.tlas {
            arguments += [variable.code ? "--tla-code" : "--tla-str", try Self.assignment(variable, "tlas")]
        }
        arguments.append(file.absolute)
        let output: [UInt8]
        do {
            output = try await runner.run(
                "jsonnet", executable: executable, arguments: arguments, root: root, about: file.location())
        } catch {
            throw Self.pointingAtLine(error, in: file)
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: output)
        } catch {
            throw RenderError(.invalidSyntax, at: file.location(), "jsonnet printed invalid JSON: \(error.reason)")
        }
        var objects: [ManifestObject] = []
        try ManifestDecoder.flatten(value, at: file.location(), into: &objects)
        return objects
    }

    private func checkImports(
        of file: ConfinedPath, libraries: [ConfinedPath], visited: inout Set<ConfinedPath>
    ) throws(RenderError) {
        guard visited.insert(file).inserted else { return }
        let directory = try root.resolve("..", from: file, what: "directory")
        for found in JsonnetImports.scan(try root.readText(file)) {
            let location = file.location(line: found.line)
            var target: ConfinedPath?
            for base in [directory] + libraries.reversed() {
                let candidate = try root.resolve(found.path, from: base, what: found.keyword, at: location)
                if target == nil, FileSystem.targetKind(candidate.absolute) == .file { target = candidate }
            }
            if found.isCode, let target { try checkImports(of: target, libraries: libraries, visited: &visited) }
        }
    }

    private static func assignment(_ variable: JsonnetVariable, _ field: String) throws(RenderError) -> String {
        guard !variable.name.isEmpty, !variable.name.contains("=") else {
            throw RenderError(
                .invalidOptions,
                "directory.jsonnet.\(field) name \(quoted(variable.name)) must be non-empty without '='")
        }
        return "\(variable.name)=\(variable.value)"
    }

    /// Moves a jsonnet failure to the line its message names (`file.jsonnet:12:3-9`), when it does.
    private static func pointingAtLine(_ error: RenderError, in file: ConfinedPath) -> RenderError {
        guard error.code == .toolFailed, let range = error.message.range(of: file.relative + ":") else { return error }
        let digits = error.message[range.upperBound...].prefix { $0.isNumber }
        guard let line = Int(digits) else { return error }
        return RenderError(error.code, at: file.location(line: line), error.message)
    }
}
