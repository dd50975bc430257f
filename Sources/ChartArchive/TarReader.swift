/// A pull parser over the bytes of a tar archive; pure, it never touches the file system.
///
/// Reads ustar and V7 headers, POSIX pax extended headers (`x` for the next entry, `g` for every
/// entry after it; the `path`, `linkpath` and `size` keys are applied, others ignored), GNU long
/// names (`L`, `K`) and base-256 numeric fields. Extension headers are consumed, never returned as
/// entries. Every header's checksum is verified; the archive must reach its end-of-archive marker
/// (a zero block), and whatever follows the marker's two zero blocks is ignored, as tar pads
/// archives to a record size.
struct TarReader {
    private static let blockSize = 512

    private let bytes: [UInt8]
    private var offset = 0
    private var global: [String: [UInt8]] = [:]
    private var ended = false

    /// A reader over `bytes`, the whole tar stream.
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next entry, or `nil` once the end-of-archive marker is reached.
    ///
    /// Throws `.corrupt` for a header whose checksum or numeric field is wrong, a malformed pax
    /// record, an extension header with no entry after it, data after the marker's first zero block,
    /// or an archive that ends before the marker.
    mutating func next() throws(ChartArchiveError) -> TarEntry? {
        guard !ended else { return nil }
        var local: [String: [UInt8]] = [:]
        var longName: [UInt8]?
        var longLink: [UInt8]?
        while true {
            let block = try self.block(at: offset)
            if block.allSatisfy({ $0 == 0 }) {
                guard local.isEmpty, longName == nil, longLink == nil else {
                    throw Self.corrupt("an extension header at byte \(offset) has no entry after it")
                }
                try checkEndMarker()
                ended = true
                return nil
            }
            let header = try TarHeader(block, at: offset)
            offset += Self.blockSize
            switch header.typeflag {
            case UInt8(ascii: "x"):
                try local.merge(Self.paxRecords(take(header.size))) { $1 }
            case UInt8(ascii: "g"):
                for (key, value) in try Self.paxRecords(take(header.size)) {
                    global[key] = value.isEmpty ? nil : value
                }
            case UInt8(ascii: "L"):
                longName = Self.cString(try take(header.size))
            case UInt8(ascii: "K"):
                longLink = Self.cString(try take(header.size))
            default:
                var records = global
                for (key, value) in local { records[key] = value.isEmpty ? nil : value }
                return try entry(header, records: records, longName: longName, longLink: longLink)
            }
        }
    }

    /// The entry `header` describes, its extension records applied and its data taken.
    private mutating func entry(
        _ header: TarHeader, records: [String: [UInt8]], longName: [UInt8]?, longLink: [UInt8]?
    ) throws(ChartArchiveError) -> TarEntry {
        let path = records["path"] ?? longName ?? header.name
        var kind = Self.kind(header.typeflag, path: path)
        if records.keys.contains(where: { $0.hasPrefix("GNU.sparse.") }) {
            kind = .other(UInt8(ascii: "S"))  // a pax-encoded GNU sparse file: its data is a sparse map
        }
        var size = header.size
        if let text = records["size"] {
            guard let value = Self.decimal(text[...]) else {
                throw ChartArchiveError.entry(
                    .corrupt, String(decoding: path, as: UTF8.self), "has a pax size that is not a number")
            }
            size = value
        }
        switch kind {
        case .file, .other: break
        case .directory, .symlink, .hardlink, .characterDevice, .blockDevice, .fifo: size = 0
        }
        return TarEntry(
            path: path, kind: kind, linkTarget: records["linkpath"] ?? longLink ?? header.linkName,
            mode: header.mode, data: try take(size))
    }

    /// The kind a type flag stands for; an old-style NUL flag on a name ending in `/` is a directory.
    private static func kind(_ typeflag: UInt8, path: [UInt8]) -> TarEntry.Kind {
        switch typeflag {
        case 0: path.last == UInt8(ascii: "/") ? .directory : .file
        case UInt8(ascii: "0"), UInt8(ascii: "7"): .file
        case UInt8(ascii: "1"): .hardlink
        case UInt8(ascii: "2"): .symlink
        case UInt8(ascii: "3"): .characterDevice
        case UInt8(ascii: "4"): .blockDevice
        case UInt8(ascii: "5"): .directory
        case UInt8(ascii: "6"): .fifo
        default: .other(typeflag)
        }
    }

    /// The 512-byte block at `position`; throws if the archive ends before it.
    private func block(at position: Int) throws(ChartArchiveError) -> ArraySlice<UInt8> {
        guard bytes.count - position >= Self.blockSize else {
            throw ChartArchiveError(
                .corrupt, "the chart archive is truncated: the tar data ends before its end-of-archive marker")
        }
        return bytes[position..<position + Self.blockSize]
    }

    /// The next `size` bytes of data, moving past them and their padding to the next block.
    private mutating func take(_ size: Int) throws(ChartArchiveError) -> ArraySlice<UInt8> {
        guard size <= bytes.count - offset else {
            throw ChartArchiveError(
                .corrupt, "the chart archive is truncated: an entry's data ends beyond the tar data")
        }
        let data = bytes[offset..<offset + size]
        offset += (size + Self.blockSize - 1) / Self.blockSize * Self.blockSize
        return data
    }

    /// Accepts the zero block at `offset` as the end: the block after it, if any, must be zero too.
    private func checkEndMarker() throws(ChartArchiveError) {
        let next = offset + Self.blockSize
        guard bytes.count - next >= Self.blockSize else { return }
        guard bytes[next..<next + Self.blockSize].allSatisfy({ $0 == 0 }) else {
            throw Self.corrupt("a zero block at byte \(offset) is followed by more headers")
        }
    }

    /// The records of a pax extended header: `"<length> <key>=<value>\n"`, one after another.
    private static func paxRecords(_ data: ArraySlice<UInt8>) throws(ChartArchiveError) -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var rest = data
        while !rest.isEmpty {
            guard let space = rest.firstIndex(of: UInt8(ascii: " ")),
                let length = decimal(rest[..<space]), length > space - rest.startIndex + 1, length <= rest.count
            else { throw corrupt("a pax extended header has a malformed record length") }
            let record = rest[rest.startIndex..<rest.startIndex + length]
            guard record.last == UInt8(ascii: "\n"),
                let equals = record[(space + 1)...].firstIndex(of: UInt8(ascii: "=")), equals > space + 1
            else { throw corrupt("a pax extended header has a malformed record") }
            records[String(decoding: record[(space + 1)..<equals], as: UTF8.self)] = Array(
                record[(equals + 1)..<(record.endIndex - 1)])
            rest = rest[record.endIndex...]
        }
        return records
    }

    /// A non-negative decimal number, `nil` if `digits` is empty, has other characters or overflows.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow, !overflowSum else { return nil }
            value = sum
        }
        return value
    }

    /// The bytes before the first NUL.
    static func cString(_ field: ArraySlice<UInt8>) -> [UInt8] {
        Array(field.prefix { $0 != 0 })
    }

    /// A `.corrupt` error saying what is malformed.
    static func corrupt(_ problem: String) -> ChartArchiveError {
        ChartArchiveError(.corrupt, "the chart archive is corrupt: \(problem)")
    }
}
