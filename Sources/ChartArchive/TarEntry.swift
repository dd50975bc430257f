/// One member of a tar archive, with its pax and GNU extension headers already applied.
struct TarEntry: Sendable, Hashable {
    /// What the entry is, from its type flag.
    enum Kind: Sendable, Hashable {
        /// A regular file (type `0`, NUL, or `7` for contiguous files).
        case file
        /// A directory (type `5`, or an old-style NUL type whose name ends in `/`).
        case directory
        /// A symbolic link (type `2`); the target is in ``TarEntry/linkTarget``.
        case symlink
        /// A hard link to an earlier member (type `1`); the target is in ``TarEntry/linkTarget``.
        case hardlink
        /// A character device (type `3`).
        case characterDevice
        /// A block device (type `4`).
        case blockDevice
        /// A named pipe (type `6`).
        case fifo
        /// Any other type flag (GNU sparse files, volume labels, vendor extensions, …).
        case other(UInt8)
    }

    /// The path as stored (pax `path`, else a GNU long name, else ustar prefix and name), unvalidated.
    let path: [UInt8]
    /// What the entry is.
    let kind: Kind
    /// The link name (pax `linkpath`, else a GNU long link name, else the header's); meaningful for
    /// links only.
    let linkTarget: [UInt8]
    /// The permission bits from the header.
    let mode: Int
    /// The contents: empty for kinds that carry no data (links, directories, devices, FIFOs).
    let data: ArraySlice<UInt8>
}
