/// A JSON text that could not be parsed; says where (byte offset, line) and what was expected.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    public let line: Int
    /// 0-based byte offset of the offending byte.
    public let offset: Int
    /// What was wrong, e.g. "expected ':' after object key".
    public let reason: String

    /// `invalid JSON at line N: reason`; never quotes more than one byte of the input.
    public var description: String { "invalid JSON at line \(line): \(reason)" }
}

extension JSONValue {
    /// The deepest nesting of arrays and objects that the parsers accept.
    public static let maxDepth = 512

    /// Parses one JSON document (RFC 8259), keeping object key order.
    ///
    /// Integers that fit in `Int` become ``int(_:)``; other numbers (fractions, exponents, integers
    /// that overflow) become ``double(_:)``. A repeated object key keeps its first position and its last
    /// value. Invalid UTF-8 inside strings is replaced by U+FFFD. Throws ``JSONParseError`` on malformed
    /// input, trailing content, numbers beyond `Double`'s range, or nesting deeper than ``maxDepth``.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer) }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            self = try Array(bytes).withUnsafeBufferPointer { buffer in
                Result { () throws(JSONParseError) in try JSONParser.parse(buffer) }
            }.get()
        }
    }

    /// Parses one JSON document from a string; see ``init(parsing:)-(Collection<UInt8>)``.
    public init(parsing text: String) throws(JSONParseError) {
        var text = text
        self = try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer) }
        }.get()
    }
}

/// A recursive-descent parser over UTF-8 bytes; recursion is bounded by ``JSONValue/maxDepth``.
///
/// Array elements and object members collect on two scratch stacks shared by all nesting levels and are
/// moved into an exactly-sized array when their container closes: one allocation per container, no regrowth.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private let elements = ScratchStack<JSONValue>()
    private let members = ScratchStack<JSONObject.Member>()

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses `bytes` as exactly one JSON value surrounded by optional whitespace.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected content after the JSON value") }
        return value
    }

    private func error(_ reason: String) -> JSONParseError {
        var line = 1
        for i in 0..<min(index, bytes.count) where bytes[i] == UInt8(ascii: "\n") { line += 1 }
        return JSONParseError(line: line, offset: index, reason: reason)
    }

    /// Describes the byte at `index` without echoing arbitrary input: `'x'` for printable ASCII, else hex.
    private var currentByte: String {
        guard index < bytes.count else { return "end of input" }
        let b = bytes[index]
        if b > 0x20, b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        let hex = String(b, radix: 16, uppercase: true)
        return "byte 0x\(b < 0x10 ? "0" : "")\(hex)"
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected \(currentByte)")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for i in 0..<count {
            guard index < bytes.count, bytes[index] == start[i] else {
                throw error("invalid literal, expected \(literal)")
            }
            index += 1
        }
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONValue.maxDepth { throw error("nesting deeper than \(JSONValue.maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .emptyObject
        }
        let start = members.count
        var keyIndex: [String: Int]?  // built once the object outgrows a linear scan
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a string object key")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after object key")
            }
            index += 1
            let value = try parseValue()
            let position = keyIndex.map { $0[key] } ?? members.firstIndex(from: start) { $0.key == key }
            if let position {
                members[start + position].value = value  // a repeated key keeps its place, takes the last value
            } else {
                members.push(JSONObject.Member(key: key, value: value))
                let count = members.count - start
                if keyIndex != nil {
                    keyIndex![key] = count - 1
                } else if count > JSONObject.linearLimit {
                    var map = [String: Int](minimumCapacity: count * 2)
                    for i in 0..<count { map[members[start + i].key] = i }
                    keyIndex = map
                }
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(uniqueEntries: members.pop(from: start), index: keyIndex))
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        let start = elements.count
        while true {
            elements.push(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements.pop(from: start))
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, the string is a slice of the input.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character in string (must be escaped)") }
            index += 1
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(index - start + 16)
        decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &decoded)
            case 0..<0x20:
                throw error("control character in string (must be escaped)")
            default:
                decoded.append(b)
                index += 1
            }
        }
        throw error("unterminated string")
    }

    /// Decodes one escape sequence after its backslash.
    private mutating func parseEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        guard index < bytes.count else { throw error("unterminated string") }
        let e = bytes[index]
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(e)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            index += 1
            var code = try parseHex4()
            if (0xD800..<0xDC00).contains(code) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate in \\u escape") }
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw error("unpaired surrogate in \\u escape")
            }
            // Every code outside the surrogate range is a valid scalar.
            decoded.append(contentsOf: UTF8.encode(Unicode.Scalar(code)!)!)
            return
        default: throw error("invalid escape: \(currentByte)")
        }
        index += 1
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("truncated \\u escape") }
            let b = bytes[index]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func isDigit(at i: Int) -> Bool {
        i < bytes.count && bytes[i] &- UInt8(ascii: "0") < 10
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`; integers accumulate without allocating.
    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard isDigit(at: index) else { throw error("invalid number: digit expected") }
        // Accumulate negatively so that Int.min parses too.
        var value = 0
        var overflow = false
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(at: index) {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.subtractingReportingOverflow(Int(bytes[index] &- UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                value = next
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard isDigit(at: index) else { throw error("invalid number: digit expected after '.'") }
            while isDigit(at: index) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard isDigit(at: index) else { throw error("invalid number: digit expected in exponent") }
            while isDigit(at: index) { index += 1 }
        }
        if isInteger, !overflow {
            if negative { return .int(value) }
            if value != .min { return .int(-value) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw error("number out of range") }
        return .double(d)
    }
}

/// A growable stack whose top elements can be moved out into an exactly-sized array.
final class ScratchStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The number of elements on the stack.
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// The element at `position` (counted from the bottom).
    subscript(position: Int) -> Element {
        get { base[position] }
        _modify { yield &base[position] }
    }

    func push(_ element: Element) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The position, relative to `start`, of the first element from `start` up that satisfies `predicate`.
    func firstIndex(from start: Int, where predicate: (borrowing Element) -> Bool) -> Int? {
        for i in start..<count where predicate(base[i]) { return i - start }
        return nil
    }

    /// Removes the elements from `start` up and returns them in order.
    func pop(from start: Int) -> [Element] {
        let n = count - start
        count = start
        return [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            if n > 0 { buffer.baseAddress!.moveInitialize(from: base + start, count: n) }
            initialized = n
        }
    }
}
