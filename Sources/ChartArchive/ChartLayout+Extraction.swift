import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ChartLayout {
    /// The longest relative path that fits below `destination` within the system's `PATH_MAX`.
    static func maxPathBytes(below destination: String) -> Int {
        Int(PATH_MAX) - 1 - destination.utf8.count - 1
    }

    /// Creates the directories (`0755`) and files (`0755` if executable, else `0644`, whatever the
    /// umask) below `destination`, an existing empty directory.
    ///
    /// Every entry is created afresh (`mkdir`; `open` with `O_CREAT | O_EXCL | O_NOFOLLOW`), so
    /// nothing is followed or overwritten. If creating or writing fails, removes the top directory
    /// it created and throws `.io`.
    func extract(into destination: String) throws(ChartArchiveError) -> ExtractedChart {
        let top = "\(destination)/\(topDirectory)"
        var createdTop = false
        do throws(ChartArchiveError) {
            for directory in directories {
                try Self.makeDirectory("\(destination)/\(directory)", shown: directory)
                createdTop = true
            }
            for file in files { try Self.create(file, at: "\(destination)/\(file.path)") }
        } catch {
            if createdTop { try? FileManager.default.removeItem(atPath: top) }
            throw error
        }
        return ExtractedChart(
            topDirectory: topDirectory, path: top, files: files.count, bytes: files.reduce(0) { $0 + $1.data.count })
    }

    /// Creates the directory at `path` with mode `0755`.
    private static func makeDirectory(_ path: String, shown: String) throws(ChartArchiveError) {
        guard mkdir(path, 0o755) == 0, chmod(path, 0o755) == 0 else {
            throw failure("cannot create the directory", shown, errno)
        }
    }

    /// Creates the file at `path` with the contents and mode of `file`.
    private static func create(_ file: File, at path: String) throws(ChartArchiveError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create the file", file.path, errno) }
        var code = fill(descriptor, with: file.data)
        if code == nil, fchmod(descriptor, file.executable ? 0o755 : 0o644) != 0 { code = errno }
        if close(descriptor) != 0, code == nil { code = errno }
        if let code { throw failure("cannot write the file", file.path, code) }
    }

    /// Writes all of `data` to `descriptor`; the `errno` of a failed write, `nil` on success.
    private static func fill(_ descriptor: Int32, with data: ArraySlice<UInt8>) -> Int32? {
        data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var done = 0
            while done < buffer.count {
                let written = write(descriptor, base + done, buffer.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += written
            }
            return nil
        }
    }

    /// An `.io` error naming the entry and the system's reason.
    private static func failure(_ action: String, _ path: String, _ code: Int32) -> ChartArchiveError {
        ChartArchiveError(
            .io,
            "\(action) \(ChartArchiveError.quote(path)) while extracting the chart archive: "
                + String(cString: strerror(code)))
    }
}
