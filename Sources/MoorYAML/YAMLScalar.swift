internal import MoorCore

/// Resolves plain (unquoted, untagged) YAML scalars the way Kubernetes reads them: go-yaml v2's YAML 1.1
/// rules as used by `sigs.k8s.io/yaml`.
///
/// - `y`, `yes`, `on`, `true` (lower, Capitalised or UPPER) are `true`; `n`, `no`, `off`, `false` are `false`.
/// - empty, `~`, `null`, `Null`, `NULL` are null.
/// - integers as Go's `strconv.ParseInt(s, 0, 64)` reads them after removing `_`: `0777` and `0o17` are
///   octal, `0x1F` hex, `0b11` binary, signs allowed; an unsigned value above `Int.max` becomes a double.
/// - floats matching `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (so `012345678`, not octal, is
///   the number 12345678), and `.inf`, `-.inf`, `.nan` in their three spellings.
/// - everything else, including timestamps such as `2024-01-01`, stays a string.
enum YAMLScalar {
    /// The value of a plain scalar given as UTF-8 bytes.
    static func resolve(plain bytes: UnsafeBufferPointer<UInt8>) -> JSONValue {
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            if bytes.count == 1 { return .null }
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"),
            UInt8(ascii: "F"), UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            if bytes.count <= 5, let value = words[string(bytes)] { return value }
        case UInt8(ascii: "."):
            if let value = special(bytes) { return value }
            if isFloat(bytes), let d = Double(string(bytes)), d.isFinite {
                return .double(d)
            }
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
            if let value = special(bytes) ?? number(bytes) { return value }
        default:
            break
        }
        return .string(string(bytes))
    }

    /// The bytes as a string.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Words and numbers

    private static let words: [String: JSONValue] = {
        var table: [String: JSONValue] = [:]
        let groups: [(JSONValue, [String])] = [
            (.bool(true), ["y", "yes", "on", "true"]),
            (.bool(false), ["n", "no", "off", "false"]),
            (.null, ["null"]),
        ]
        for (value, spellings) in groups {
            for word in spellings {
                table[word] = value
                table[word.prefix(1).uppercased() + word.dropFirst()] = value
                table[word.uppercased()] = value
            }
        }
        return table
    }()

    private static let specials: [String: JSONValue] = {
        var table: [String: JSONValue] = [:]
        for spelling in ["inf", "Inf", "INF"] {
            table[".\(spelling)"] = .double(.infinity)
            table["+.\(spelling)"] = .double(.infinity)
            table["-.\(spelling)"] = .double(-.infinity)
        }
        for spelling in [".nan", ".NaN", ".NAN"] { table[spelling] = .double(.nan) }
        return table
    }()

    private static func special(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard bytes.count >= 4, bytes.count <= 5 else { return nil }
        return specials[string(bytes)]
    }

    /// Integers, then floats, with `_` removed first (go-yaml v2 strips every underscore).
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard bytes.contains(UInt8(ascii: "_")) else { return plainNumber(bytes) }
        let stripped = bytes.filter { $0 != UInt8(ascii: "_") }
        return stripped.withUnsafeBufferPointer { plainNumber($0) }
    }

    private static func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        if let value = integer(bytes) { return value }
        guard isFloat(bytes), let d = Double(string(bytes)), d.isFinite else { return nil }
        return .double(d)
    }

    /// Go's `ParseInt(s, 0, 64)`, falling back to `ParseUint` for unsigned values above `Int.max`.
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < bytes.count else { return nil }
        var radix: UInt64 = 10
        if bytes[i] == UInt8(ascii: "0") {
            let remaining = bytes.count - i
            switch remaining >= 3 ? bytes[i + 1] | 0x20 : 0 {
            case UInt8(ascii: "x"): (radix, i) = (16, i + 2)
            case UInt8(ascii: "o"): (radix, i) = (8, i + 2)
            case UInt8(ascii: "b"): (radix, i) = (2, i + 2)
            default: (radix, i) = (8, i + 1)
            }
        }
        var magnitude: UInt64 = 0
        while i < bytes.count {
            let b = bytes[i]
            let digit: UInt64
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                digit = UInt64((b | 0x20) - UInt8(ascii: "a") + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            magnitude = sum
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return .int(magnitude == UInt64(Int.max) + 1 ? .min : -Int(magnitude))
        }
        if magnitude <= UInt64(Int.max) { return .int(Int(magnitude)) }
        return .double(Double(magnitude))
    }

    /// go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    private static func isFloat(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        func digits() -> Int {
            let start = i
            while i < n, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            return i - start
        }
        if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if i < n, bytes[i] == UInt8(ascii: ".") {
                i += 1
                _ = digits()
            }
        }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == n
    }
}
