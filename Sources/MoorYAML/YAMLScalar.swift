internal import MoorCore

/// Resolves plain (unquoted, untagged) YAML scalars the way Kubernetes' YAML reader does
/// (YAML 1.1 core rules of go-yaml v2): `yes`/`no`/`on`/`off` are booleans, `0777` is octal,
/// `0x1F` is hex, `~` is null, and timestamps stay strings.
enum YAMLScalar {
    /// The JSON value of a plain scalar.
    static func resolve(plain text: String) -> JSONValue {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            return text == "~" ? .null : .string(text)
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            if nullWords.contains(text) { return .null }
            if let b = boolWords[text] { return .bool(b) }
            return .string(text)
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "y"),
            UInt8(ascii: "Y"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            if let b = boolWords[text] { return .bool(b) }
            return .string(text)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return number(text) ?? .string(text)
        default:
            return .string(text)
        }
    }

    /// Whether a string written plain would read back as something other than that string.
    static func needsQuoting(_ text: String) -> Bool {
        if text.isEmpty { return true }
        if case .string = resolve(plain: text) {} else { return true }
        let bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ") { return true }
        if let first = bytes.first, indicatorStarts.contains(first) { return true }
        for (i, b) in bytes.enumerated() {
            if b < 0x20 || b == 0x7F { return true }
            if b == UInt8(ascii: "#"), i > 0, bytes[i - 1] == UInt8(ascii: " ") { return true }
            if b == UInt8(ascii: ":"), i + 1 == bytes.count || bytes[i + 1] == UInt8(ascii: " ") { return true }
        }
        return false
    }

    private static let nullWords: Set<String> = ["null", "Null", "NULL"]
    private static let boolWords: [String: Bool] = [
        "y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
        "true": true, "True": true, "TRUE": true,
        "n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
        "false": false, "False": false, "FALSE": false,
    ]
    private static let indicatorStarts: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@`".utf8)

    private static func number(_ text: String) -> JSONValue? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        var digits = text.replacingUnderscores()
        var negative = false
        if digits.hasPrefix("-") || digits.hasPrefix("+") {
            negative = digits.hasPrefix("-")
            digits.removeFirst()
        }
        guard !digits.isEmpty else { return nil }
        let radix: Int
        if digits.hasPrefix("0x") {
            radix = 16
            digits.removeFirst(2)
        } else if digits.hasPrefix("0b") {
            radix = 2
            digits.removeFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8
            digits.removeFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0"), digits.allSatisfy({ ("0"..."7").contains($0) }) {
            radix = 8
            digits.removeFirst()
        } else {
            radix = 10
        }
        if !digits.isEmpty, let value = Int(digits, radix: radix) {
            if radix == 10, text.contains("_") == false, isDecimalInteger(digits) == false { return nil }
            return .int(negative ? -value : value)
        }
        guard radix == 10, isYAMLFloat(text) else { return nil }
        return Double(text.replacingUnderscores()).map(JSONValue.double)
    }

    private static func isDecimalInteger(_ s: String) -> Bool {
        s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?`
    private static func isYAMLFloat(_ s: String) -> Bool {
        var bytes = Array(s.utf8)[...]
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let isDigit: (UInt8) -> Bool = { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        var sawDigit = false
        var i = bytes.startIndex
        while i < bytes.endIndex, isDigit(bytes[i]) || (sawDigit && bytes[i] == UInt8(ascii: "_")) {
            sawDigit = true
            i += 1
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            i += 1
            var fraction = false
            while i < bytes.endIndex, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") {
                fraction = true
                i += 1
            }
            if !sawDigit && !fraction { return false }
        } else if !sawDigit {
            return false
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            let start = i
            while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 }
            if i == start { return false }
        }
        return i == bytes.endIndex
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        contains("_") ? String(filter { $0 != "_" }) : self
    }
}
