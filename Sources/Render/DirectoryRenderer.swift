import MoorCore

/// Renders a directory of plain manifests: `.yaml`/`.yml` streams, `.json` documents and `.jsonnet`
/// programs, in path order (names sorted, depth first), optionally recursing, filtered by globs.
///
/// Entries whose name starts with `.` (`.git`, `.github`) are never read. Symlinks are read when
/// they stay inside the checkout and refused otherwise; symlinked directories are not descended.
struct DirectoryRenderer {
    let root: SourceRoot
    let options: DirectoryOptions
    let jsonnet: JsonnetRenderer

    private static let manifestExtensions = [".yaml", ".yml", ".json", ".jsonnet"]

    /// Reads the manifests under `directory` into `validator`.
    func render(_ directory: ConfinedPath, into validator: inout ManifestValidator) async throws(RenderError) {
        let include = try options.include.map { pattern throws(RenderError) in try Self.glob(pattern, "include") }
        let exclude = try options.exclude.map { pattern throws(RenderError) in try Self.glob(pattern, "exclude") }
        for file in try manifestFiles(in: directory) {
            let relative = String(
                file.relative.dropFirst(directory.relative.isEmpty ? 0 : directory.relative.count + 1))
            if let exclude, exclude.matches(relative) { continue }
            if let include, !include.matches(relative) { continue }
            try validator.add(try await objects(in: file))
        }
    }

    private func objects(in file: ConfinedPath) async throws(RenderError) -> [ManifestObject] {
        if file.relative.hasSuffix(".jsonnet") { return try await jsonnet.evaluate(file) }
        let text = try root.readText(file)
        if file.relative.hasSuffix(".json") { return try ManifestDecoder.json(text) { file.location(line: $0) } }
        return try ManifestDecoder.yaml(text) { file.location(line: $0) }
    }

    /// The manifest files under `directory` in reading order.
    private func manifestFiles(in directory: ConfinedPath) throws(RenderError) -> [ConfinedPath] {
        var files: [ConfinedPath] = []
        for name in try FileSystem.entries(directory.absolute) where !name.hasPrefix(".") {
            let entry = root.child(name, of: directory)
            var kind = FileSystem.kind(entry.absolute)
            if kind == .symlink {
                try root.checkPhysical(entry, what: "'\(entry.relative)'")
                kind = FileSystem.targetKind(entry.absolute) == .file ? .file : .other
            }
            switch kind {
            case .directory where options.recurse:
                files += try manifestFiles(in: entry)
            case .file where Self.manifestExtensions.contains(where: name.hasSuffix):
                files.append(entry)
            default:
                continue
            }
        }
        return files
    }

    private static func glob(_ pattern: String, _ field: String) throws(RenderError) -> Glob {
        do {
            return try Glob(pattern)
        } catch {
            throw RenderError(
                .invalidOptions, "directory.\(field) \(quoted(pattern)) is not a valid pattern: \(error.reason)")
        }
    }
}
