import Foundation
import MoorCore

/// A path inside the checkout, proven not to leave it: lexically (no `..` above the root, not
/// absolute) and physically (the deepest existing part, symlinks resolved, is inside the root).
struct ConfinedPath: Sendable, Hashable, CustomStringConvertible {
    /// The path relative to the checkout root, normalised (`a/b`), `""` for the root itself.
    let relative: String
    /// The path below the checkout's real root directory, for tools and file calls.
    let absolute: String

    /// The relative path, `.` for the root.
    var description: String { relative.isEmpty ? "." : relative }

    /// The location of line `line` of this file, for errors and manifests.
    func location(line: Int = 0) -> SourceLocation {
        SourceLocation(file: description, line: line)
    }

    /// The last path component.
    var name: String { relative.split(separator: "/").last.map(String.init) ?? "" }
}

/// The checkout being rendered: every path a renderer touches is resolved through it.
struct SourceRoot: Sendable {
    /// The root's canonical absolute path (symlinks resolved, no trailing slash unless `/`).
    let path: String
    /// The largest file read, in bytes.
    let maxFileSize: Int

    /// Opens the checkout at `directory`, which must exist and be a directory.
    init(_ directory: String, maxFileSize: Int) throws(RenderError) {
        guard let real = FileSystem.realPath(directory), FileSystem.targetKind(real) == .directory else {
            throw RenderError(.notFound, "the checkout directory does not exist")
        }
        self.path = real
        self.maxFileSize = maxFileSize
    }

    /// The root itself.
    var root: ConfinedPath { ConfinedPath(relative: "", absolute: path) }

    /// Resolves `path` as written in an option or a file, relative to the directory `base`.
    ///
    /// `what` names the path in errors (e.g. "values file"); `location` is where it was written
    /// (`nil` for options). Refuses absolute paths, paths that climb above the root, and paths
    /// whose existing part is (or passes through) a symlink leading outside the root — both in
    /// the normalised form returned and as the kernel resolves the path as written (where `..`
    /// after a symlinked directory climbs from the symlink's target), since tools such as
    /// kustomize and jsonnet get it as written. The path need not exist.
    func resolve(
        _ path: String, from base: ConfinedPath? = nil, what: String, at location: SourceLocation? = nil
    ) throws(RenderError) -> ConfinedPath {
        guard !path.hasPrefix("/") else {
            throw RenderError(
                .pathOutsideRepository, at: location,
                "\(what) '\(path)' is an absolute path; write it relative to the repository")
        }
        var components = (base ?? root).relative.split(separator: "/").map(String.init)
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                guard !components.isEmpty else {
                    throw RenderError(
                        .pathOutsideRepository, at: location,
                        "\(what) '\(path)' leaves the repository; paths must stay inside the checkout")
                }
                components.removeLast()
            default: components.append(String(component))
            }
        }
        let relative = components.joined(separator: "/")
        let confined = ConfinedPath(
            relative: relative, absolute: relative.isEmpty ? self.path : "\(self.path)/\(relative)")
        try checkPhysical(confined, what: "\(what) '\(path)'", at: location)
        try checkResolution(
            of: path, from: base ?? root, what: "\(what) '\(path)'", at: location ?? confined.location())
        return confined
    }

    /// Follows `path` from `base` as the kernel does, each symlink resolved when met and `..` taken
    /// from where it led, and refuses it if a step lands outside the root.
    private func checkResolution(
        of path: String, from base: ConfinedPath, what: String, at location: SourceLocation
    ) throws(RenderError) {
        var current = FileSystem.realPath(base.absolute) ?? base.absolute
        for component in path.split(separator: "/") where component != "." {
            if component == ".." {
                current = current.lastIndex(of: "/").map { String(current[..<$0]) } ?? ""
                if current.isEmpty { current = "/" }
            } else {
                guard let real = FileSystem.realPath("\(current)/\(component)") else { return }
                current = real
            }
            guard contains(current) else { throw Self.symlinkEscape(what, at: location) }
        }
    }

    /// `confined` with its symlinks resolved, as tools that evaluate symlinks see it; itself when it
    /// does not exist. Only call it on a confined path (its real path is then inside the root).
    func physical(_ confined: ConfinedPath) -> ConfinedPath {
        guard let real = FileSystem.realPath(confined.absolute), let relative = relativePath(of: real) else {
            return confined
        }
        return ConfinedPath(relative: relative, absolute: real)
    }

    /// A path below `directory` by one entry name (from a directory listing).
    func child(_ name: String, of directory: ConfinedPath) -> ConfinedPath {
        let relative = directory.relative.isEmpty ? name : "\(directory.relative)/\(name)"
        return ConfinedPath(relative: relative, absolute: "\(directory.absolute)/\(name)")
    }

    /// Refuses `confined` if its deepest existing ancestor (itself included), with symlinks
    /// resolved, lies outside the root.
    func checkPhysical(_ confined: ConfinedPath, what: String, at location: SourceLocation? = nil) throws(RenderError) {
        var candidate = confined.absolute
        while true {
            if let real = FileSystem.realPath(candidate) {
                guard contains(real) else { throw Self.symlinkEscape(what, at: location ?? confined.location()) }
                return
            }
            guard candidate.count > path.count, let slash = candidate.lastIndex(of: "/") else { return }
            candidate = String(candidate[..<slash])
        }
    }

    private static func symlinkEscape(_ what: String, at location: SourceLocation) -> RenderError {
        RenderError(
            .pathOutsideRepository, at: location,
            "\(what) is or passes through a symlink that leaves the repository; "
                + "Moor only reads files inside the checkout")
    }

    /// Refuses any symlink under `directory` (recursively, into symlinked directories too) that
    /// leads outside the root; run before a tool reads the directory on its own.
    func checkSymlinks(under directory: ConfinedPath) throws(RenderError) {
        var visited: Set<String> = []
        try checkSymlinks(under: directory, visited: &visited)
    }

    private func checkSymlinks(under directory: ConfinedPath, visited: inout Set<String>) throws(RenderError) {
        guard visited.insert(FileSystem.realPath(directory.absolute) ?? directory.absolute).inserted else { return }
        for name in try FileSystem.entries(directory.absolute) {
            let entry = child(name, of: directory)
            switch FileSystem.kind(entry.absolute) {
            case .symlink:
                try checkPhysical(entry, what: "'\(entry.relative)'")
                if FileSystem.targetKind(entry.absolute) == .directory {
                    try checkSymlinks(under: entry, visited: &visited)
                }
            case .directory:
                try checkSymlinks(under: entry, visited: &visited)
            default:
                continue
            }
        }
    }

    /// The text of a file, refusing files over the size limit and text that is not UTF-8.
    /// `what` and `location` describe where the file was named, for a missing file.
    func readText(
        _ file: ConfinedPath, what: String = "file", namedAt location: SourceLocation? = nil
    ) throws(RenderError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(file.absolute, limit: maxFileSize)
        } catch {
            switch error {
            case .notFound:
                throw RenderError(.notFound, at: location, "\(what) '\(file)' does not exist")
            case .notAFile:
                throw RenderError(.notFound, at: location, "\(what) '\(file)' is not a regular file")
            case .tooLarge:
                throw RenderError(
                    .limitExceeded, at: file.location(),
                    "file is larger than the limit of \(maxFileSize.byteDescription); split it into smaller files")
            case .unreadable(let reason):
                throw RenderError(.io, at: file.location(), "cannot read the file: \(reason)")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw RenderError(.invalidSyntax, at: file.location(), "file is not valid UTF-8 text")
        }
        return text
    }

    /// The root-relative form of an absolute path below the root, or `nil` for one outside it.
    func relativePath(of absolute: String) -> String? {
        if absolute == path { return "" }
        let prefix = path == "/" ? "/" : path + "/"
        guard absolute.hasPrefix(prefix) else { return nil }
        return String(absolute.dropFirst(prefix.count))
    }

    /// Replaces the root's absolute path in tool output by `.`-relative paths, so messages name
    /// files as the user knows them and do not reveal where the checkout lives.
    func redact(_ text: String) -> String {
        text.replacingOccurrences(of: path + "/", with: "").replacingOccurrences(of: path, with: ".")
    }

    private func contains(_ real: String) -> Bool {
        relativePath(of: real) != nil
    }
}

extension Int {
    /// `10 MiB`, `512 KiB` or `300 bytes`.
    var byteDescription: String {
        if self >= 1 << 20, self % (1 << 20) == 0 { return "\(self >> 20) MiB" }
        if self >= 1 << 10, self % (1 << 10) == 0 { return "\(self >> 10) KiB" }
        return "\(self) bytes"
    }
}
