import Foundation
import MoorCore
import MoorYAML

/// Renders a kustomization with `kustomize build` or `kubectl kustomize`.
///
/// Before the tool runs, the kustomization and every local kustomization it includes are read and
/// every path they name (resources, patches, generator files, …) is confined to the checkout;
/// remote resources (`https://…`, `git@…`, `github.com/…`) are left to kustomize. Argo CD's
/// overrides are then written into the application's kustomization file, together with
/// `buildMetadata: [originAnnotations]` so that each object's `config.kubernetes.io/origin`
/// annotation names the file it came from; Moor uses it as the object's location and removes it.
/// The original file is restored after the build, so a local directory is left as it was; two
/// renders of the same directory must not run at the same time.
struct KustomizeRenderer {
    let root: SourceRoot
    let options: KustomizeOptions
    let runner: ToolRunner
    /// The configured `kustomize` or `kubectl` binary; `nil` looks on `PATH`.
    let executable: String?

    private static let originAnnotation = "config.kubernetes.io/origin"

    /// Renders the kustomization in `directory`.
    func render(_ application: ConfinedPath) async throws(RenderError) -> [ManifestObject] {
        // kustomize resolves every path from a directory's real location; so does Moor.
        let directory = root.physical(application)
        guard let file = Kustomization.file(in: directory, root: root) else {
            throw RenderError(
                .notFound, "'\(directory)' has no kustomization.yaml, kustomization.yml or Kustomization file")
        }
        var visited: Set<ConfinedPath> = []
        try confine(directory, visited: &visited)
        var kustomization = try Kustomization(file, root: root)
        try kustomization.apply(options)
        let keepOrigins = kustomization.requestOrigins()
        let (tool, path, arguments) = try command()
        try write(kustomization.yaml, to: file)
        let result: Result<[UInt8], RenderError>
        do {
            result = .success(
                try await runner.run(
                    tool, executable: path, arguments: arguments + [directory.absolute], in: directory.absolute,
                    root: root, about: file.location()))
        } catch {
            result = .failure(Self.withoutLogPrefix(error))
        }
        try write(kustomization.text, to: file)
        let output = try result.get()
        let fallback = file.location()
        var locator = OriginLocator(root: root, directory: directory)
        var objects = try ManifestDecoder.yaml(String(decoding: output, as: UTF8.self)) { _ in fallback }
        for index in objects.indices {
            guard let origin = objects[index].object[path: "metadata", "annotations", Self.originAnnotation] else {
                continue
            }
            objects[index].source = locator.location(of: origin.stringValue, for: objects[index].object) ?? fallback
            if !keepOrigins { objects[index].object = Self.removingOrigin(objects[index].object) }
        }
        return objects
    }

    /// `kubectl` wraps kustomize's error in a log line (`E1121 … "command failed" err="…"`); keeps the error.
    private static func withoutLogPrefix(_ error: RenderError) -> RenderError {
        let marker = #""command failed" err=""#
        guard let start = error.message.range(of: marker), let colon = error.message.range(of: "): ") else {
            return error
        }
        var detail = error.message[start.upperBound...]
        if detail.hasSuffix("\"") { detail = detail.dropLast() }
        let message = error.message[..<colon.upperBound] + detail.replacingOccurrences(of: #"\""#, with: "\"")
        return RenderError(error.code, at: error.location, String(message))
    }

    private func write(_ text: String, to file: ConfinedPath) throws(RenderError) {
        do {
            try FileSystem.write(text, to: file.absolute)
        } catch {
            throw RenderError(.io, at: file.location(), "cannot write the kustomization: \(error)")
        }
    }

    /// Confines every path the kustomization in `directory` names, recursing into local bases.
    private func confine(_ directory: ConfinedPath, visited: inout Set<ConfinedPath>) throws(RenderError) {
        guard visited.insert(directory).inserted, let file = Kustomization.file(in: directory, root: root) else {
            return
        }
        let kustomization = try Kustomization(file, root: root)
        for reference in kustomization.references {
            if reference.mayBeRemote, isRemote(reference.path, from: directory) { continue }
            let target = try root.resolve(
                reference.path, from: directory, what: "\(reference.field) entry",
                at: file.location(line: kustomization.line(of: reference.path)))
            if FileSystem.targetKind(target.absolute) == .directory {
                try confine(root.physical(target), visited: &visited)
            }
        }
    }

    /// Whether kustomize would fetch `path` rather than read it from the checkout: a URL, or a
    /// path like `github.com/org/repo/base` that does not exist locally.
    private func isRemote(_ path: String, from directory: ConfinedPath) -> Bool {
        if path.contains("://") || path.hasPrefix("git@") { return true }
        let components = path.split(separator: "/")
        guard let first = components.first, first.contains("."), !first.hasPrefix("."), !path.hasPrefix("/"),
            !components.contains("..")
        else { return false }
        return FileSystem.kind(root.child(path, of: directory).absolute) == nil
    }

    /// The tool, its path, and the arguments before the directory.
    private func command() throws(RenderError) -> (String, String, [String]) {
        if let executable {
            let isKubectl = executable.split(separator: "/").last == "kubectl"
            return isKubectl ? ("kubectl kustomize", executable, ["kustomize"]) : ("kustomize", executable, ["build"])
        }
        if let kustomize = ExecutableLookup.find("kustomize") { return ("kustomize", kustomize, ["build"]) }
        if let kubectl = ExecutableLookup.find("kubectl") { return ("kubectl kustomize", kubectl, ["kustomize"]) }
        throw RenderError(
            .toolUnavailable, "neither kustomize nor kubectl is installed; install one of them to render kustomizations"
        )
    }

    private static func removingOrigin(_ object: JSONValue) -> JSONValue {
        var object = object
        object[path: "metadata", "annotations", originAnnotation] = nil
        if object[path: "metadata", "annotations"]?.objectValue?.isEmpty == true {
            object[path: "metadata", "annotations"] = nil
        }
        return object
    }
}

/// Maps kustomize's origin annotation to a file and line in the checkout.
///
/// The line is the start of the document in the origin file with the same kind whose name the
/// rendered name contains (kustomize may have added a prefix or suffix); 0 when none matches.
private struct OriginLocator {
    let root: SourceRoot
    let directory: ConfinedPath
    private var documents: [ConfinedPath: [YAMLDocument]] = [:]

    init(root: SourceRoot, directory: ConfinedPath) {
        self.root = root
        self.directory = directory
    }

    mutating func location(of origin: String?, for object: JSONValue) -> SourceLocation? {
        guard let origin, let fields = try? YAMLReader.value(origin), fields["repo"] == nil,
            let path = fields["path"]?.stringValue ?? fields["configuredIn"]?.stringValue,
            let file = try? root.resolve(path, from: directory, what: "origin")
        else { return nil }
        guard fields["path"] != nil else { return file.location() }
        if documents[file] == nil {
            documents[file] = (try? root.readText(file)).flatMap { try? YAMLReader.documents($0) } ?? []
        }
        let kind = object["kind"]?.stringValue
        let name = object[path: "metadata", "name"]?.stringValue ?? ""
        let match = documents[file]!.first { document in
            guard document.value["kind"]?.stringValue == kind,
                let original = document.value[path: "metadata", "name"]?.stringValue
            else { return false }
            return name.contains(original)
        }
        return file.location(line: match?.line ?? 0)
    }
}
