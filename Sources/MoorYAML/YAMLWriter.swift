public import MoorCore

/// Writes ``JSONValue`` trees as block-style YAML, the way `kubectl get -o yaml` prints objects.
public enum YAMLWriter {
    /// One value as a YAML document (no `---`), ending in a newline.
    ///
    /// Strings that would read back as another type (`"yes"`, `"0777"`, `"1.0"`) are quoted, and
    /// multi-line strings use literal blocks, so ``YAMLReader`` reads back an equal value.
    public static func document(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let o) where !o.isEmpty:
            writeMapping(o, indent: 0, into: &out)
        case .array(let a) where !a.isEmpty:
            writeSequence(a, indent: 0, into: &out)
        default:
            out += scalar(value, indent: 0)
            out += "\n"
        }
        return out
    }

    /// Several values as a YAML stream, documents separated by `---` lines.
    public static func stream(_ values: some Sequence<JSONValue>) -> String {
        var out = ""
        var first = true
        for value in values {
            if !first { out += "---\n" }
            first = false
            out += document(value)
        }
        return out
    }

    private static func writeMapping(_ o: JSONObject, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in o {
            out += pad
            out += YAMLScalar.needsQuoting(key) ? quoted(key) : key
            out += ":"
            writeNested(value, indent: indent, sequenceIndent: indent, into: &out)
        }
    }

    private static func writeSequence(_ a: [JSONValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for element in a {
            out += pad
            out += "-"
            switch element {
            case .object(let o) where !o.isEmpty:
                // First member on the dash line, the rest aligned under it.
                var nested = ""
                writeMapping(o, indent: indent + 2, into: &nested)
                out += " "
                out += nested.dropFirst(indent + 2)
            case .array(let inner) where !inner.isEmpty:
                out += "\n"
                writeSequence(inner, indent: indent + 2, into: &out)
            default:
                out += " "
                out += scalar(element, indent: indent + 2)
                out += "\n"
            }
        }
    }

    private static func writeNested(_ value: JSONValue, indent: Int, sequenceIndent: Int, into out: inout String) {
        switch value {
        case .object(let o) where !o.isEmpty:
            out += "\n"
            writeMapping(o, indent: indent + 2, into: &out)
        case .array(let a) where !a.isEmpty:
            out += "\n"
            writeSequence(a, indent: sequenceIndent, into: &out)
        default:
            out += " "
            out += scalar(value, indent: indent + 2)
            out += "\n"
        }
    }

    private static func scalar(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
            let text = JSONValue.double(d).jsonString()
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        case .string(let s): return string(s, indent: indent)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    private static func string(_ s: String, indent: Int) -> String {
        if s.contains("\n"), literalBlockAllowed(s) {
            let pad = String(repeating: " ", count: indent)
            var body = Substring(s)
            let header: String
            if body.hasSuffix("\n\n") {
                header = "|+"
            } else if body.hasSuffix("\n") {
                header = "|"
            } else {
                header = "|-"
            }
            if body.hasSuffix("\n") { body = body.dropLast() }
            var out = header
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "\n"
                if !line.isEmpty { out += pad + line }
            }
            return out
        }
        return YAMLScalar.needsQuoting(s) ? quoted(s) : s
    }

    /// Literal blocks cannot carry other control characters, nor a first line led by a space.
    private static func literalBlockAllowed(_ s: String) -> Bool {
        if s.first == " " || s.first == "\n" { return false }
        return s.utf8.allSatisfy { $0 == 0x0A || ($0 >= 0x20 && $0 != 0x7F) }
    }

    private static func quoted(_ s: String) -> String {
        JSONValue.string(s).jsonString()
    }
}
