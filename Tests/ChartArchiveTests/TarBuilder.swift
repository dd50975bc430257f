/// Builds tar archives header by header, with correct checksums unless told otherwise: for the
/// entries the system `tar` will not write (`..`, absolute paths, devices without root, broken
/// headers) and for exact control over extension headers.
struct TarBuilder {
    /// The archive so far, without the end-of-archive marker.
    private(set) var bytes: [UInt8] = []

    /// Appends one header block and its data, padded to a whole block.
    ///
    /// `size` overrides the size field (default: the data's length); `base256Size` writes it in GNU
    /// base-256 form; `checksumError` is added to the stored checksum to corrupt it.
    mutating func entry(
        _ name: [UInt8], type: Character = "0", data: [UInt8] = [], linkName: String = "", mode: Int = 0o644,
        prefix: String = "", size: Int? = nil, base256Size: Bool = false, checksumError: Int = 0
    ) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ value: some Collection<UInt8>, at offset: Int) {
            header.replaceSubrange(offset..<offset + value.count, with: value)
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8) + [0]
        }
        put(name.prefix(100), at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        if base256Size {
            var field = [UInt8](repeating: 0, count: 12)
            field[0] = 0x80
            var value = size ?? data.count
            for index in stride(from: 11, to: 0, by: -1) {
                field[index] = UInt8(value & 0xff)
                value >>= 8
            }
            put(field, at: 124)
        } else {
            put(octal(size ?? data.count, width: 12), at: 124)
        }
        put(octal(0o14_000_000_000, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        header[156] = type.asciiValue ?? 0
        put(Array(linkName.utf8).prefix(100), at: 157)
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(Array(prefix.utf8).prefix(155), at: 345)
        let checksum = header.reduce(0) { $0 + Int($1) } + checksumError
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        bytes += header + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    /// Appends an entry whose name is text.
    mutating func entry(
        _ name: String, type: Character = "0", data: [UInt8] = [], linkName: String = "", mode: Int = 0o644
    ) {
        entry(Array(name.utf8), type: type, data: data, linkName: linkName, mode: mode)
    }

    /// Appends a regular file with text contents.
    mutating func file(_ name: String, _ contents: String, mode: Int = 0o644) {
        entry(name, data: Array(contents.utf8), mode: mode)
    }

    /// Appends a directory entry.
    mutating func directory(_ name: String) {
        entry(name, type: "5", mode: 0o755)
    }

    /// Appends a pax extended header (`x`, or `g` when `global`) with the records in order.
    mutating func pax(_ records: [(key: String, value: [UInt8])], global: Bool = false) {
        var data: [UInt8] = []
        for (key, value) in records {
            let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
            // The length counts its own digits, which can carry to one more digit.
            var length = body.count + 1
            while String(length).utf8.count + body.count != length { length += 1 }
            data += Array(String(length).utf8) + body
        }
        entry(Array("PaxHeaders/entry".utf8), type: global ? "g" : "x", data: data)
    }

    /// Appends a GNU long name header (`L`) for the next entry.
    mutating func longName(_ name: [UInt8]) {
        entry(Array("././@LongLink".utf8), type: "L", data: name + [0])
    }

    /// The archive with its end-of-archive marker (two zero blocks) unless `endMarker` is false.
    func archive(endMarker: Bool = true) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: endMarker ? 1024 : 0)
    }

    /// An archive of the given text files, in order.
    static func files(_ files: KeyValuePairs<String, String>) -> [UInt8] {
        var builder = TarBuilder()
        for (name, contents) in files { builder.file(name, contents) }
        return builder.archive()
    }
}
