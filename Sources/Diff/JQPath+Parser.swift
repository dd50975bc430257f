internal import MoorCore

/// A recursive-descent parser for the JQ subset described at ``JQPath``.
///
/// Grammar (spaces are allowed between tokens, not inside a path):
/// ```
/// expression := term ("|" term)*
/// term       := path | "select" "(" or ")"
/// or         := and ("or" and)*
/// and        := test ("and" test)*
/// test       := "(" or ")" | operand (("==" | "!=") operand)?
/// operand    := path | string | number | "true" | "false" | "null"
/// path       := "." (name | string | bracket)? ("." (name | string) | "."? bracket)*
/// bracket    := "[" (string | integer)? "]"
/// ```
struct JQParser {
    private let expression: String
    private let characters: [Character]
    private var position = 0

    /// A parser over `expression`.
    init(_ expression: String) {
        self.expression = expression
        characters = Array(expression)
    }

    /// The stages of the whole expression.
    mutating func parseExpression() throws(DiffError) -> [JQPath.Stage] {
        var stages = [try parseTerm()]
        while skipSpaces(), peek == "|" {
            position += 1
            stages.append(try parseTerm())
        }
        guard position == characters.count else { throw failure("unexpected \(describeNext)") }
        return stages
    }

    // MARK: - Terms and conditions

    private mutating func parseTerm() throws(DiffError) -> JQPath.Stage {
        skipSpaces()
        if peek == "." { return .path(try parsePath(allowsIteration: true)) }
        guard let name = peekName else {
            throw failure("expected a path such as \".spec.replicas\" or select(...), found \(describeNext)")
        }
        guard name == "select" else {
            throw failure("\(DiffError.quote(name)) is not supported; use paths, \"[]\", \"|\" and select(...)")
        }
        position += name.count
        try expect("(")
        let condition = try parseOr()
        try expect(")")
        return .select(condition)
    }

    private mutating func parseOr() throws(DiffError) -> JQPath.Condition {
        var condition = try parseAnd()
        while skipSpaces(), consumeKeyword("or") {
            condition = .or(condition, try parseAnd())
        }
        return condition
    }

    private mutating func parseAnd() throws(DiffError) -> JQPath.Condition {
        var condition = try parseTest()
        while skipSpaces(), consumeKeyword("and") {
            condition = .and(condition, try parseTest())
        }
        return condition
    }

    private mutating func parseTest() throws(DiffError) -> JQPath.Condition {
        skipSpaces()
        if peek == "(" {
            position += 1
            let condition = try parseOr()
            try expect(")")
            return condition
        }
        let lhs = try parseOperand()
        skipSpaces()
        for (symbol, equal) in [("==", true), ("!=", false)] where lookingAt(symbol) {
            position += 2
            return .compare(lhs, equal: equal, try parseOperand())
        }
        return .truthy(lhs)
    }

    private mutating func parseOperand() throws(DiffError) -> JQPath.Operand {
        skipSpaces()
        switch peek {
        case ".":
            return .path(try parsePath(allowsIteration: false))
        case "\"":
            return .literal(.string(try parseString()))
        case let c? where c == "-" || c.isASCII && c.isNumber:
            return .literal(try parseNumber())
        default:
            for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)]
            where consumeKeyword(word) {
                return .literal(value)
            }
            throw failure("expected a path, string, number, true, false or null, found \(describeNext)")
        }
    }

    // MARK: - Paths

    private mutating func parsePath(allowsIteration: Bool) throws(DiffError) -> [JQPath.Step] {
        try expect(".")
        if peek == "." { throw failure("recursive descent \"..\" is not supported") }
        var steps: [JQPath.Step] = []
        if let step = try parseMember() { steps.append(step) }
        while true {
            if peek == "[" {
                steps.append(try parseBracket(allowsIteration: allowsIteration))
            } else if peek == "." {
                position += 1
                if peek == "[" { continue }
                guard let step = try parseMember() else {
                    throw failure("expected a name, string or \"[\" after \".\", found \(describeNext)")
                }
                steps.append(step)
            } else if peek == "?" {
                throw failure("the optional operator \"?\" is not supported")
            } else {
                return steps
            }
        }
    }

    /// A member name or quoted string after `.`; `nil` when neither follows.
    private mutating func parseMember() throws(DiffError) -> JQPath.Step? {
        if let name = peekName {
            position += name.count
            return .key(name)
        }
        if peek == "\"" { return .key(try parseString()) }
        return nil
    }

    private mutating func parseBracket(allowsIteration: Bool) throws(DiffError) -> JQPath.Step {
        try expect("[")
        skipSpaces()
        let step: JQPath.Step
        switch peek {
        case "]":
            guard allowsIteration else {
                throw failure("\"[]\" is not supported inside select(...); compare a single value")
            }
            step = .iterate
        case "\"":
            step = .key(try parseString())
        case let c? where c == "-" || c.isASCII && c.isNumber:
            let start = position
            guard let index = try parseNumber().intValue else {
                position = start
                throw failure("an index must be a whole number")
            }
            step = .index(index)
        default:
            throw failure("expected \"]\", a string or an index inside \"[...]\", found \(describeNext)")
        }
        skipSpaces()
        if peek == ":" { throw failure("slices \"[a:b]\" are not supported") }
        try expect("]")
        return step
    }

    // MARK: - Literals

    private mutating func parseString() throws(DiffError) -> String {
        let start = position
        position += 1
        while position < characters.count, characters[position] != "\"" {
            position += characters[position] == "\\" ? 2 : 1
        }
        guard position < characters.count else {
            position = start
            throw failure("unterminated string")
        }
        position += 1
        guard let value = try? JSONValue(parsing: String(characters[start..<position])), let text = value.stringValue
        else {
            position = start
            throw failure("invalid string escape")
        }
        return text
    }

    private mutating func parseNumber() throws(DiffError) -> JSONValue {
        let start = position
        while let c = peek, c.isASCII, c.isNumber || "-+.eE".contains(c) { position += 1 }
        guard let value = try? JSONValue(parsing: String(characters[start..<position])) else {
            position = start
            throw failure("invalid number")
        }
        return value
    }

    // MARK: - Characters

    private var peek: Character? { position < characters.count ? characters[position] : nil }

    /// The identifier (`[A-Za-z_][A-Za-z0-9_]*`) at the current position, not consumed.
    private var peekName: String? {
        var end = position
        while end < characters.count, characters[end].isASCII,
            characters[end].isLetter || characters[end] == "_" || (end > position && characters[end].isNumber)
        {
            end += 1
        }
        return end > position ? String(characters[position..<end]) : nil
    }

    private var describeNext: String {
        peek.map { "\"\($0)\"" } ?? "the end of the expression"
    }

    private func lookingAt(_ text: String) -> Bool {
        characters[position...].starts(with: text)
    }

    private mutating func consumeKeyword(_ word: String) -> Bool {
        guard peekName == word else { return false }
        position += word.count
        return true
    }

    /// Skips spaces; always true, so it can lead a `while` condition.
    @discardableResult
    private mutating func skipSpaces() -> Bool {
        while let c = peek, c.isWhitespace { position += 1 }
        return true
    }

    private mutating func expect(_ character: Character) throws(DiffError) {
        skipSpaces()
        guard peek == character else { throw failure("expected \"\(character)\", found \(describeNext)") }
        position += 1
    }

    private func failure(_ reason: String) -> DiffError {
        DiffError(.invalidJQPath, "JQ path \(DiffError.quote(expression)) at column \(position + 1): \(reason)")
    }
}
