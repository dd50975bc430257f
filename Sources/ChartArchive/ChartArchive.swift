import Foundation

/// In-process extraction of Helm chart archives (`.tgz`, as served by chart repositories and OCI
/// registries), safe against hostile archives.
///
/// An archive is decompressed and every entry read and validated in memory before anything is
/// written, so a refused archive leaves the destination untouched. Only regular files and
/// directories are accepted: every symbolic and hard link is refused, wherever it points (Helm's
/// own loader never creates links either, and refusing them all leaves nothing to reason about),
/// as are devices, FIFOs and other entry types.
public enum ChartArchive {
    /// Unpacks the chart archive `archive` into `directory`, which must exist and be empty.
    ///
    /// Refuses, before writing anything: an archive over ``Limits/maxCompressedBytes``, that is not
    /// gzip-compressed tar or is damaged or truncated (`.corrupt`), or that decompresses to more than
    /// ``Limits/maxUncompressedBytes``; entries whose path is absolute, has a `..` component, is
    /// empty, contains a NUL byte or is not UTF-8 (`.unsafePath`); links, devices, FIFOs and other
    /// non-file entries (`.unsupportedEntry`); archives without exactly one top-level directory, with
    /// files at the top level, or with the same path twice (`.layout`); more than
    /// ``Limits/maxFiles`` entries or a file over ``Limits/maxFileBytes`` (`.tooLarge`). pax and GNU
    /// extension headers are applied, not extracted.
    ///
    /// Files are written with mode `0644`, or `0755` if the archive gave them any executable bit;
    /// directories with `0755`. A directory missing or not empty, or a write that fails, throws
    /// `.io`; after a failed write the partly written chart directory is removed.
    public static func extract(
        _ archive: [UInt8], into directory: String, limits: Limits = Limits()
    ) throws(ChartArchiveError) -> ExtractedChart {
        guard archive.count <= limits.maxCompressedBytes else {
            throw ChartArchiveError(
                .tooLarge,
                "the chart archive is \(archive.count) bytes, more than maxCompressedBytes "
                    + "(\(limits.maxCompressedBytes) bytes); refusing the archive")
        }
        var destination = directory
        while destination.count > 1, destination.hasSuffix("/") { destination.removeLast() }
        try checkEmpty(destination)
        let tar = try Gzip.inflate(archive, limit: limits.maxUncompressedBytes)
        let layout = try ChartLayout(
            tar: tar, limits: limits, maxPathBytes: ChartLayout.maxPathBytes(below: destination))
        return try layout.extract(into: destination)
    }

    /// Throws `.io` unless `directory` is an existing, empty directory.
    private static func checkEmpty(_ directory: String) throws(ChartArchiveError) {
        let shown = ChartArchiveError.quote(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ChartArchiveError(.io, "the destination \(shown) for the chart archive is not a directory")
        }
        guard let contents = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ChartArchiveError(.io, "the destination \(shown) for the chart archive cannot be read")
        }
        guard contents.isEmpty else {
            throw ChartArchiveError(.io, "the destination \(shown) for the chart archive is not empty")
        }
    }
}
