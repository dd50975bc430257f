/// What a chart archive unpacks to, validated in memory: one top directory holding directories and
/// regular files, every path confined to it and within the limits. Extraction builds it from the
/// whole archive first, so nothing is written unless every entry passes.
struct ChartLayout {
    /// A regular file to write.
    struct File {
        /// The path relative to the destination, `/`-separated, starting with the top directory.
        let path: String
        /// The contents.
        let data: ArraySlice<UInt8>
        /// Whether the archive gave it any executable bit (written `0755`, else `0644`).
        let executable: Bool
    }

    /// The single top-level directory: the chart's name.
    let topDirectory: String
    /// Every directory to create, relative to the destination, parents before children; explicit
    /// directory entries and the parents of every file.
    let directories: [String]
    /// The regular files, in archive order.
    let files: [File]

    /// Reads and validates every entry of the tar stream `tar`.
    ///
    /// Directory entries for the archive's root (`.`, `./`) are skipped. `maxPathBytes` is the
    /// longest relative path the destination leaves room for. Throws the first problem found, in
    /// archive order: `.corrupt` from the tar reader, `.unsafePath`, `.unsupportedEntry` for
    /// anything but files and directories (every link is refused, wherever it points), `.layout`,
    /// or `.tooLarge` for `maxFiles` entries or a file above `maxFileBytes`.
    init(tar: [UInt8], limits: ChartArchive.Limits, maxPathBytes: Int) throws(ChartArchiveError) {
        var reader = TarReader(tar)
        var files: [File] = []
        var directories: Set<String> = []
        var seen: Set<String> = []
        var top: String?
        while let entry = try reader.next() {
            guard let components = try Self.components(of: entry, maxPathBytes: maxPathBytes) else { continue }
            let path = components.joined(separator: "/")
            guard seen.count < limits.maxFiles else {
                throw ChartArchiveError(
                    .tooLarge,
                    "the chart archive has more than maxFiles (\(limits.maxFiles)) entries; refusing the archive")
            }
            if let problem = Self.unsupported(entry) { throw .entry(.unsupportedEntry, path, problem) }
            if entry.kind == .file, components.count == 1 {
                throw .entry(
                    .layout, path,
                    "is a file at the top level; a chart archive holds its files in one directory named after "
                        + "the chart")
            }
            if let top, top != components[0] {
                throw .entry(
                    .layout, path,
                    "is outside the chart directory \(ChartArchiveError.quote(top)); a chart archive holds "
                        + "exactly one top-level directory")
            }
            top = components[0]
            guard seen.insert(path).inserted else { throw .entry(.layout, path, "appears more than once") }
            if entry.kind == .directory {
                directories.insert(path)
                continue
            }
            guard entry.data.count <= limits.maxFileBytes else {
                throw .entry(
                    .tooLarge, path,
                    "is \(entry.data.count) bytes, more than maxFileBytes (\(limits.maxFileBytes) bytes)")
            }
            for depth in 1..<components.count {
                directories.insert(components[..<depth].joined(separator: "/"))
            }
            files.append(File(path: path, data: entry.data, executable: entry.mode & 0o111 != 0))
        }
        guard let top else {
            throw ChartArchiveError(.layout, "the chart archive has no entries; refusing the archive")
        }
        if let file = files.first(where: { directories.contains($0.path) }) {
            throw .entry(.layout, file.path, "is both a file and a directory")
        }
        self.topDirectory = top
        self.directories = directories.sorted { ($0.utf8.count, $0) < ($1.utf8.count, $1) }
        self.files = files
    }

    /// The path components of `entry`, `.` components dropped; `nil` for a directory entry naming
    /// the archive's root. Throws `.unsafePath` for a name that is empty, absolute, has a `..`
    /// component or a NUL byte, is not UTF-8, or is too long for the file system.
    private static func components(of entry: TarEntry, maxPathBytes: Int) throws(ChartArchiveError) -> [String]? {
        let shown = String(decoding: entry.path, as: UTF8.self)
        guard !entry.path.contains(0) else { throw .entry(.unsafePath, shown, "has a NUL byte in its name") }
        guard let path = String(validating: entry.path, as: UTF8.self) else {
            throw .entry(.unsafePath, shown, "has a name that is not valid UTF-8")
        }
        guard !path.isEmpty else {
            throw ChartArchiveError(.unsafePath, "a chart archive entry has an empty name; refusing the archive")
        }
        guard !path.hasPrefix("/") else { throw .entry(.unsafePath, path, "is an absolute path") }
        let components = path.split(separator: "/").filter { $0 != "." }.map(String.init)
        guard !components.contains("..") else { throw .entry(.unsafePath, path, "leaves the chart directory") }
        guard !components.isEmpty else {
            if entry.kind == .directory { return nil }
            throw .entry(.unsafePath, path, "has no name")
        }
        guard components.allSatisfy({ $0.utf8.count <= 255 }),
            components.joined(separator: "/").utf8.count <= maxPathBytes
        else { throw .entry(.unsafePath, path, "has a name too long for the file system") }
        return components
    }

    /// Why `entry` cannot be extracted, `nil` for regular files and directories.
    private static func unsupported(_ entry: TarEntry) -> String? {
        let target = ChartArchiveError.quote(String(decoding: entry.linkTarget, as: UTF8.self))
        let only = "chart archives may hold only regular files and directories"
        switch entry.kind {
        case .file, .directory: return nil
        case .symlink: return "is a symbolic link (to \(target)); \(only)"
        case .hardlink: return "is a hard link (to \(target)); \(only)"
        case .characterDevice: return "is a character device; \(only)"
        case .blockDevice: return "is a block device; \(only)"
        case .fifo: return "is a FIFO; \(only)"
        case .other(let typeflag):
            let shown = (0x21...0x7e).contains(typeflag) ? "'\(Character(Unicode.Scalar(typeflag)))'" : "\(typeflag)"
            return "has the unsupported tar entry type \(shown); \(only)"
        }
    }
}
