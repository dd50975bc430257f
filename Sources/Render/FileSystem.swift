import Foundation
import Glibc

/// The few file-system calls the renderers make, without following symlinks unless asked.
enum FileSystem {
    /// What a directory entry is, as `lstat` sees it.
    enum Kind {
        case file, directory, symlink, other
    }

    /// The kind of the entry at `path` itself (a symlink is reported as `.symlink`); `nil` if absent.
    static func kind(_ path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// The kind of what `path` finally points to, following symlinks; `nil` if absent or dangling.
    static func targetKind(_ path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The canonical absolute path with every symlink resolved; `nil` if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The names in a directory, sorted, without `.` and `..`.
    static func entries(_ directory: String) throws(RenderError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw RenderError(.io, "cannot list a directory: \(error.localizedDescription)")
        }
    }

    /// The bytes of a regular file (symlinks followed), refusing files larger than `limit` bytes.
    static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? .notFound : .unreadable(errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(errnoText()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile }
        guard Int(info.st_size) <= limit else { throw .tooLarge(Int(info.st_size)) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw .unreadable(errnoText()) }
            if n == 0 { break }
            count += n
            guard count <= limit else { throw .tooLarge(count) }
        }
        return Array(bytes[..<count])
    }

    /// Writes `text` to `path`, replacing the file.
    static func write(_ text: String, to path: String) throws(FileError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(error.localizedDescription)
        }
    }

    /// Why a file could not be read.
    enum FileError: Error {
        case notFound
        case notAFile
        case tooLarge(Int)
        case unreadable(String)
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
