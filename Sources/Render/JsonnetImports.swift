/// The `import`, `importstr` and `importbin` expressions of a Jsonnet program.
///
/// Jsonnet only allows string literals after these keywords, so a lexical scan finds every file a
/// program can read; the renderer confines them before `jsonnet` runs. Comments (`//`, `#`,
/// `/* */`) and all string forms (`"…"`, `'…'`, `@"…"`, `|||` blocks) are skipped correctly.
struct JsonnetImports {
    /// One import expression.
    struct Import: Equatable {
        /// The keyword: `import`, `importstr` or `importbin`.
        let keyword: String
        /// The imported path as written (escapes decoded).
        let path: String
        /// 1-based line of the keyword.
        let line: Int

        /// Whether the imported file is itself Jsonnet code (its imports matter too).
        var isCode: Bool { keyword == "import" }
    }

    private enum Token {
        case identifier(String, line: Int)
        case string(String)
        case other
    }

    /// Every import expression in `source`, in order.
    static func scan(_ source: String) -> [Import] {
        var lexer = Lexer(bytes: Array(source.utf8))
        var imports: [Import] = []
        var pending: (keyword: String, line: Int)?
        while let token = lexer.next() {
            if let keyword = pending, case .string(let path) = token {
                imports.append(Import(keyword: keyword.keyword, path: path, line: keyword.line))
            }
            pending = nil
            if case .identifier(let name, let line) = token, ["import", "importstr", "importbin"].contains(name) {
                pending = (name, line)
            }
        }
        return imports
    }

    private struct Lexer {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        mutating func next() -> Token? {
            skipTrivia()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                index += 1
                return .string(quoted(until: byte))
            case UInt8(ascii: "@") where index + 1 < bytes.count && isQuote(bytes[index + 1]):
                index += 2
                return .string(verbatim(until: bytes[index - 1]))
            case UInt8(ascii: "|") where starts(with: "|||"):
                index += 3
                return .string(textBlock())
            case _ where isIdentifierStart(byte):
                let start = index
                while index < bytes.count, isIdentifierStart(bytes[index]) || isDigit(bytes[index]) { index += 1 }
                return .identifier(String(decoding: bytes[start..<index], as: UTF8.self), line: line)
            default:
                advance()
                return .other
            }
        }

        private mutating func skipTrivia() {
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "#") || starts(with: "//") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                } else if starts(with: "/*") {
                    index += 2
                    while index < bytes.count, !starts(with: "*/") { advance() }
                    index = min(index + 2, bytes.count)
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    advance()
                } else {
                    return
                }
            }
        }

        private mutating func quoted(until quote: UInt8) -> String {
            var result: [UInt8] = []
            while index < bytes.count, bytes[index] != quote {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    index += 1
                    if bytes[index] == UInt8(ascii: "u"), let scalar = unicodeEscape() {
                        result.append(contentsOf: Array(String(scalar).utf8))
                        continue
                    }
                    result.append(contentsOf: unescaped(bytes[index]))
                } else {
                    result.append(bytes[index])
                }
                advance()
            }
            index += 1
            return String(decoding: result, as: UTF8.self)
        }

        /// Reads `uXXXX` (and a following `\uXXXX` low surrogate) at `index`, leaving `index` after it.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            func hex(at position: Int) -> UInt32? {
                guard position + 4 <= bytes.count else { return nil }
                return UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
            }
            guard var code = hex(at: index + 1) else { return nil }
            index += 5
            if (0xD800..<0xDC00).contains(code), starts(with: "\\u"), let low = hex(at: index + 2),
                (0xDC00..<0xE000).contains(low)
            {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                index += 6
            }
            return Unicode.Scalar(code)
        }

        private func unescaped(_ byte: UInt8) -> [UInt8] {
            switch byte {
            case UInt8(ascii: "n"): [0x0A]
            case UInt8(ascii: "t"): [0x09]
            case UInt8(ascii: "r"): [0x0D]
            case UInt8(ascii: "b"): [0x08]
            case UInt8(ascii: "f"): [0x0C]
            default: [byte]
            }
        }

        private mutating func verbatim(until quote: UInt8) -> String {
            var result: [UInt8] = []
            while index < bytes.count {
                if bytes[index] == quote {
                    guard index + 1 < bytes.count, bytes[index + 1] == quote else { break }
                    index += 1
                }
                result.append(bytes[index])
                advance()
            }
            index += 1
            return String(decoding: result, as: UTF8.self)
        }

        private mutating func textBlock() -> String {
            let start = index
            while index < bytes.count, !starts(with: "|||") { advance() }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            index = min(index + 3, bytes.count)
            return text
        }

        private mutating func advance() {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }

        private func starts(with text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            return (0..<count).allSatisfy { bytes[index + $0] == text.utf8Start[$0] }
        }

        private func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }
        private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        private func isIdentifierStart(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
