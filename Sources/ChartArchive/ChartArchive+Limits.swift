extension ChartArchive {
    /// The bounds an archive must stay within; exceeding any one refuses the whole archive, with
    /// `.tooLarge`, before anything is written.
    public struct Limits: Sendable, Hashable {
        /// The largest archive accepted as downloaded (gzip-compressed), in bytes. Default 50 MiB.
        public var maxCompressedBytes: Int
        /// The largest decompressed size (the tar stream, headers included), in bytes; decompression
        /// stops as soon as it is passed, so a decompression bomb costs at most this much memory.
        /// Default 200 MiB.
        public var maxUncompressedBytes: Int
        /// The most entries (files and directories). Default 10 000.
        public var maxFiles: Int
        /// The largest single file, in bytes. Default 50 MiB.
        public var maxFileBytes: Int

        /// Limits with the given values; each defaults to the value documented on its property.
        public init(
            maxCompressedBytes: Int = 50 << 20, maxUncompressedBytes: Int = 200 << 20, maxFiles: Int = 10_000,
            maxFileBytes: Int = 50 << 20
        ) {
            self.maxCompressedBytes = maxCompressedBytes
            self.maxUncompressedBytes = maxUncompressedBytes
            self.maxFiles = maxFiles
            self.maxFileBytes = maxFileBytes
        }
    }
}
