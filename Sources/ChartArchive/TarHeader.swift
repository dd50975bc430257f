/// The fields of one 512-byte tar header block that extraction needs, checksum verified.
struct TarHeader {
    /// The name; for POSIX ustar headers, the prefix field joined to it with `/`.
    let name: [UInt8]
    /// The link name field.
    let linkName: [UInt8]
    /// The mode field's permission bits.
    let mode: Int
    /// The size field: the number of data bytes after the header (for kinds that carry data).
    let size: Int
    /// The type flag byte (`0`, `5`, `x`, `L`, …).
    let typeflag: UInt8

    /// Parses `block` (512 bytes, not all zero), found at byte `position` of the tar stream.
    ///
    /// Throws `.corrupt` if the checksum does not match (either the unsigned sum of POSIX or the
    /// signed sum some old tars wrote) or the mode or size field is not a number.
    init(_ block: ArraySlice<UInt8>, at position: Int) throws(ChartArchiveError) {
        func field(_ range: Range<Int>) -> ArraySlice<UInt8> {
            block[(block.startIndex + range.lowerBound)..<(block.startIndex + range.upperBound)]
        }
        let checksumRange = 148..<156
        var unsigned = 0
        var signed = 0
        for (index, byte) in block.enumerated() {
            let counted = checksumRange.contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int(counted)
            signed += Int(Int8(bitPattern: counted))
        }
        guard let stored = Self.number(field(checksumRange)), stored == unsigned || stored == signed else {
            throw TarReader.corrupt("the tar header at byte \(position) fails its checksum")
        }
        guard let mode = Self.number(field(100..<108)), let size = Self.number(field(124..<136)) else {
            throw TarReader.corrupt("the tar header at byte \(position) has a malformed mode or size")
        }
        var name = TarReader.cString(field(0..<100))
        if field(257..<263).elementsEqual("ustar\0".utf8) {
            let prefix = TarReader.cString(field(345..<500))
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        }
        self.name = name
        self.linkName = TarReader.cString(field(157..<257))
        self.mode = mode & 0o7777
        self.size = size
        self.typeflag = block[block.startIndex + 156]
    }

    /// A numeric field: octal digits padded with spaces or NULs, or base-256 (GNU, for values that
    /// do not fit in octal) when the first byte's high bit is set. `nil` if malformed, negative or
    /// too large for `Int`.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        if let first = field.first, first & 0x80 != 0 {
            guard first & 0x40 == 0 else { return nil }  // the sign bit: negative
            var value = Int(first & 0x3f)
            for byte in field.dropFirst() {
                guard value <= Int.max >> 8 else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        let padding: (UInt8) -> Bool = { $0 == 0 || $0 == UInt8(ascii: " ") }
        guard let start = field.firstIndex(where: { !padding($0) }),
            let end = field.lastIndex(where: { !padding($0) })
        else { return 0 }
        var value = 0
        for byte in field[start...end] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte), value <= Int.max >> 3 else { return nil }
            value = value << 3 | Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
