public import MoorCore

/// Writes ``JSONValue`` trees as block-style YAML, the way `kubectl get -o yaml` prints objects.
///
/// Mappings are indented by two spaces, sequences inside mappings are not indented (`containers:` then
/// `- name: web`), empty collections are `{}` and `[]`, key order is kept. Strings are plain where that
/// reads back as the same string, double-quoted where a plain scalar would read as another type
/// (`"true"`, `"0777"`, `"1.0"`, `""`, timestamps) or holds control characters, single-quoted where
/// plain would be YAML syntax (`'*'`, `'- x'`, `'a: b'`), and literal blocks (`|`, `|-`, `|+`) for
/// multi-line text. ``YAMLReader`` reads the output back as an equal value.
public enum YAMLWriter {
    /// One value as a YAML document (no `---`), ending in a newline.
    public static func document(_ value: JSONValue) -> String {
        var emitter = YAMLEmitter()
        emitter.document(value)
        return emitter.text
    }

    /// Several values as a YAML stream, documents separated by `---` lines.
    public static func stream(_ values: some Sequence<JSONValue>) -> String {
        var emitter = YAMLEmitter()
        var first = true
        for value in values {
            if !first { emitter.out.append(contentsOf: "---\n".utf8) }
            first = false
            emitter.document(value)
        }
        return emitter.text
    }
}

/// The block-style YAML printer behind ``YAMLWriter``.
struct YAMLEmitter {
    var out: [UInt8] = []

    /// Longest key written as a simple `key: value`; libyaml refuses simple keys over 1024 characters.
    static let maxSimpleKeyBytes = 1000

    var text: String { String(decoding: out, as: UTF8.self) }

    mutating func document(_ value: JSONValue) {
        switch value {
        case .object(let o) where !o.isEmpty:
            mapping(o, indent: 0, continuesLine: false)
        case .array(let a) where !a.isEmpty:
            sequence(a, indent: 0, continuesLine: false)
        default:
            scalar(value, indent: 2)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// Writes members at `indent`; with `continuesLine` the first one goes on the current line (after `- `).
    private mutating func mapping(_ object: JSONObject, indent: Int, continuesLine: Bool) {
        var first = true
        for (key, value) in object {
            if !first || !continuesLine { pad(indent) }
            first = false
            if key.utf8.count > Self.maxSimpleKeyBytes {
                out.append(contentsOf: "? ".utf8)
                doubleQuoted(key)
                out.append(UInt8(ascii: "\n"))
                pad(indent)
            } else {
                string(key, indent: indent, isKey: true)
            }
            out.append(UInt8(ascii: ":"))
            switch value {
            case .object(let o) where !o.isEmpty:
                out.append(UInt8(ascii: "\n"))
                mapping(o, indent: indent + 2, continuesLine: false)
            case .array(let a) where !a.isEmpty:
                out.append(UInt8(ascii: "\n"))
                sequence(a, indent: indent, continuesLine: false)
            default:
                out.append(UInt8(ascii: " "))
                scalar(value, indent: indent + 2)
                out.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// Writes elements at `indent`; nested collections start on the dash line (`- name: x`, `- - a`).
    private mutating func sequence(_ elements: [JSONValue], indent: Int, continuesLine: Bool) {
        var first = true
        for element in elements {
            if !first || !continuesLine { pad(indent) }
            first = false
            out.append(contentsOf: "- ".utf8)
            switch element {
            case .object(let o) where !o.isEmpty:
                mapping(o, indent: indent + 2, continuesLine: true)
            case .array(let a) where !a.isEmpty:
                sequence(a, indent: indent + 2, continuesLine: true)
            default:
                scalar(element, indent: indent + 2)
                out.append(UInt8(ascii: "\n"))
            }
        }
    }

    private mutating func pad(_ count: Int) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    /// A scalar or empty collection; `indent` is where the lines of a literal block go.
    private mutating func scalar(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: Self.format(d).utf8)
        case .string(let s): string(s, indent: indent, isKey: false)
        case .array: out.append(contentsOf: "[]".utf8)
        case .object: out.append(contentsOf: "{}".utf8)
        }
    }

    /// A double that reads back as a double: `1.0`, `0.5`, `1e+20`, `.inf`, `.nan`.
    static func format(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        if d.rounded() == d, abs(d) < 1e15 { return "\(Int(d)).0" }
        return "\(d)"
    }

    private mutating func string(_ s: String, indent: Int, isKey: Bool) {
        switch YAMLScalarStyle(s, isKey: isKey) {
        case .plain: out.append(contentsOf: s.utf8)
        case .singleQuoted: singleQuoted(s)
        case .doubleQuoted: doubleQuoted(s)
        case .literal: literal(s, indent: indent)
        }
    }

    private mutating func singleQuoted(_ s: String) {
        out.append(UInt8(ascii: "'"))
        for b in s.utf8 {
            if b == UInt8(ascii: "'") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "'"))
    }

    /// A double-quoted scalar; escapes everything YAML would not read back verbatim: `"`, `\`, control
    /// characters, DEL, C1 controls (NEL is a YAML 1.1 line break), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
    private mutating func doubleQuoted(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: out.append(contentsOf: "\\\"".utf8)
            case 0x5C: out.append(contentsOf: "\\\\".utf8)
            case 0x00: out.append(contentsOf: "\\0".utf8)
            case 0x07: out.append(contentsOf: "\\a".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0B: out.append(contentsOf: "\\v".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x1B: out.append(contentsOf: "\\e".utf8)
            case 0x85: out.append(contentsOf: "\\N".utf8)
            case 0x2028: out.append(contentsOf: "\\L".utf8)
            case 0x2029: out.append(contentsOf: "\\P".utf8)
            case 0..<0x20, 0x7F...0x9F: hexEscape(v, prefix: "\\x", digits: 2)
            case 0xFEFF, 0xFFFE, 0xFFFF: hexEscape(v, prefix: "\\u", digits: 4)
            default: out.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func hexEscape(_ value: UInt32, prefix: String, digits: Int) {
        let hex = String(value, radix: 16, uppercase: true)
        out.append(contentsOf: prefix.utf8)
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits - hex.utf8.count))
        out.append(contentsOf: hex.utf8)
    }

    /// `|` (one final newline), `|-` (none) or `|+` (several), lines indented by `indent`.
    private mutating func literal(_ s: String, indent: Int) {
        var body = Substring(s)
        if body.hasSuffix("\n\n") {
            out.append(contentsOf: "|+".utf8)
        } else if body.hasSuffix("\n") {
            out.append(contentsOf: "|".utf8)
        } else {
            out.append(contentsOf: "|-".utf8)
        }
        if body.hasSuffix("\n") { body = body.dropLast() }
        for line in body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            out.append(UInt8(ascii: "\n"))
            if !line.isEmpty {
                pad(indent)
                out.append(contentsOf: line)
            }
        }
    }
}
