internal import MoorCore

/// How ``YAMLEmitter`` writes a string so that it reads back as the same string, choosing as go-yaml v2
/// (and so `kubectl`) does: plain if possible; double-quoted when plain would resolve to another type or
/// the text holds characters that need escapes; single-quoted when plain would be YAML syntax; a literal
/// block for multi-line values.
enum YAMLScalarStyle: Equatable {
    case plain, singleQuoted, doubleQuoted, literal

    /// The style for `text` as a mapping value or sequence item, or (with `isKey`) as a mapping key.
    init(_ text: String, isKey: Bool) {
        var text = text
        self = text.withUTF8 { Self.choose($0, isKey: isKey) }
    }

    private static func choose(_ b: UnsafeBufferPointer<UInt8>, isKey: Bool) -> Self {
        let n = b.count
        guard n > 0 else { return .doubleQuoted }
        func blankOrEnd(_ i: Int) -> Bool {
            i >= n || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") || b[i] == 0x0A || b[i] == 0x0D
        }
        // libyaml's analyze_scalar: which characters make a plain scalar mean something else.
        var indicators = false
        if n >= 3, b[0] == b[1], b[1] == b[2], b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: ".") {
            indicators = true  // document markers
        }
        switch b[0] {
        case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
            UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
            UInt8(ascii: "`"):
            indicators = true
        case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            if blankOrEnd(1) { indicators = true }
        default:
            break
        }
        var special = false
        var lineBreaks = false
        var spaceBeforeBreak = false
        for i in 0..<n {
            switch b[i] {
            case 0x0A:
                lineBreaks = true
                if i > 0, b[i - 1] == UInt8(ascii: " ") { spaceBeforeBreak = true }
            case UInt8(ascii: ":") where i > 0:
                if blankOrEnd(i + 1) { indicators = true }
            case UInt8(ascii: "#") where i > 0:
                if b[i - 1] == UInt8(ascii: " ") { indicators = true }
            case 0..<0x20, 0x7F:
                special = true
            case 0xC2:  // C1 controls U+0080...U+009F, among them NEL, a YAML 1.1 line break
                if i + 1 < n, (0x80...0x9F).contains(b[i + 1]) { special = true }
            case 0xE2:  // U+2028, U+2029 line and paragraph separators
                if i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { special = true }
            case 0xEF:  // U+FEFF byte order mark, U+FFFE and U+FFFF non-characters
                if i + 2 < n, (b[i + 1] == 0xBB && b[i + 2] == 0xBF) || (b[i + 1] == 0xBF && b[i + 2] >= 0xBE) {
                    special = true
                }
            default:
                break
            }
        }
        let leadingSpace = b[0] == UInt8(ascii: " ")
        let trailingSpace = b[n - 1] == UInt8(ascii: " ")
        if lineBreaks, !isKey, !special, !spaceBeforeBreak, !trailingSpace,
            let firstContent = b.first(where: { $0 != 0x0A }), firstContent != UInt8(ascii: " ")
        {
            return .literal
        }
        if special || lineBreaks || readsAsOtherType(b) { return .doubleQuoted }
        if indicators || leadingSpace || trailingSpace { return .singleQuoted }
        return .plain
    }

    /// Whether the plain scalar would not read back as this string, or go-yaml would quote it anyway
    /// (sexagesimal numbers like `1:30`, timestamps, the merge key `<<`).
    private static func readsAsOtherType(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case .string = YAMLScalar.resolve(plain: b) else { return true }
        if b.count == 2, b[0] == UInt8(ascii: "<"), b[1] == UInt8(ascii: "<") { return true }
        return isBase60(b) || isTimestampLike(b)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// go-yaml v2's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
    private static func isBase60(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        var i = 0
        if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < n, isDigit(b[i]) else { return false }
        while i < n, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        var groups = 0
        while i < n, b[i] == UInt8(ascii: ":") {
            i += 1
            guard i < n, isDigit(b[i]) else { return false }
            if i + 1 < n, isDigit(b[i + 1]) {
                guard b[i] <= UInt8(ascii: "5") else { return false }
                i += 2
            } else {
                i += 1
            }
            groups += 1
        }
        guard groups > 0 else { return false }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        }
        return i == n
    }

    /// `YYYY-…` made of digits and the separators of YAML timestamps (go-yaml quotes those).
    private static func isTimestampLike(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 6, isDigit(b[0]), isDigit(b[1]), isDigit(b[2]), isDigit(b[3]),
            b[4] == UInt8(ascii: "-"), isDigit(b[5])
        else { return false }
        return b.allSatisfy { isDigit($0) || "-:.TtZz+ ".utf8.contains($0) }
    }
}
