/// A chart unpacked by ``ChartArchive/extract(_:into:limits:)``.
public struct ExtractedChart: Sendable, Hashable {
    /// The archive's single top-level directory: the chart's name as packaged (e.g. `mychart`).
    public let topDirectory: String
    /// The chart's directory on disk: the destination joined with ``topDirectory``.
    public let path: String
    /// The number of regular files written.
    public let files: Int
    /// The total size of the files written, in bytes.
    public let bytes: Int
}
