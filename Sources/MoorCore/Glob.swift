/// A file-name pattern with Argo CD's `directory.include`/`exclude` semantics (gobwas/glob without
/// separators): `*` and `**` match any run of characters, `/` included; `?` matches one
/// character; `[abc]`, `[a-z]` and `[!abc]` match one character of (or not of) a set;
/// `{a,b}` matches either alternative (alternatives may contain patterns and nest); `\` makes the
/// next character literal. A pattern matches the whole path relative to the application directory,
/// e.g. `{config.json,env-usw2/*}` or `*.yaml`.
package struct Glob: Sendable {
    private indirect enum Node: Sendable {
        case literal(Character)
        case anyRun
        case anyOne
        case set(negated: Bool, ranges: [ClosedRange<Character>])
        case alternatives([[Node]])
    }

    private let nodes: [Node]

    /// Parses a pattern; the error string says what is wrong with it.
    package init(_ pattern: String) throws(GlobSyntaxError) {
        var parser = Parser(characters: Array(pattern))
        nodes = try parser.sequence(insideAlternatives: false)
    }

    /// Whether `text` matches the whole pattern.
    package func matches(_ text: String) -> Bool {
        Self.match(nodes[...], Array(text)[...])
    }

    private static func match(_ nodes: ArraySlice<Node>, _ text: ArraySlice<Character>) -> Bool {
        guard let node = nodes.first else { return text.isEmpty }
        let rest = nodes.dropFirst()
        switch node {
        case .literal(let c):
            return text.first == c && match(rest, text.dropFirst())
        case .anyOne:
            return !text.isEmpty && match(rest, text.dropFirst())
        case .set(let negated, let ranges):
            guard let c = text.first else { return false }
            return ranges.contains { $0.contains(c) } != negated && match(rest, text.dropFirst())
        case .anyRun:
            if rest.isEmpty { return true }
            var suffix = text
            while true {
                if match(rest, suffix) { return true }
                guard !suffix.isEmpty else { return false }
                suffix = suffix.dropFirst()
            }
        case .alternatives(let options):
            return options.contains { match(($0 + rest)[...], text) }
        }
    }

    /// A pattern that cannot be parsed.
    package struct GlobSyntaxError: Error {
        /// What is wrong, e.g. "unclosed '{'".
        package let reason: String
    }

    private struct Parser {
        let characters: [Character]
        var index = 0

        mutating func sequence(insideAlternatives: Bool) throws(GlobSyntaxError) -> [Node] {
            var nodes: [Node] = []
            while index < characters.count {
                let c = characters[index]
                if insideAlternatives, c == "," || c == "}" { return nodes }
                index += 1
                switch c {
                case "*":
                    if case .anyRun = nodes.last {} else { nodes.append(.anyRun) }
                case "?": nodes.append(.anyOne)
                case "[": nodes.append(try set())
                case "{": nodes.append(try alternatives())
                case "\\":
                    guard index < characters.count else { throw GlobSyntaxError(reason: "ends with '\\'") }
                    nodes.append(.literal(characters[index]))
                    index += 1
                default: nodes.append(.literal(c))
                }
            }
            if insideAlternatives { throw GlobSyntaxError(reason: "unclosed '{'") }
            return nodes
        }

        mutating func alternatives() throws(GlobSyntaxError) -> Node {
            var options: [[Node]] = []
            while true {
                options.append(try sequence(insideAlternatives: true))
                let separator = characters[index]
                index += 1
                if separator == "}" { return .alternatives(options) }
            }
        }

        mutating func set() throws(GlobSyntaxError) -> Node {
            var negated = false
            if index < characters.count, characters[index] == "!" {
                negated = true
                index += 1
            }
            var ranges: [ClosedRange<Character>] = []
            while index < characters.count, characters[index] != "]" || ranges.isEmpty {
                let low = characters[index]
                if index + 2 < characters.count, characters[index + 1] == "-", characters[index + 2] != "]" {
                    let high = characters[index + 2]
                    guard low <= high else { throw GlobSyntaxError(reason: "range '\(low)-\(high)' is reversed") }
                    ranges.append(low...high)
                    index += 3
                } else {
                    ranges.append(low...low)
                    index += 1
                }
            }
            guard index < characters.count else { throw GlobSyntaxError(reason: "unclosed '['") }
            index += 1
            return .set(negated: negated, ranges: ranges)
        }
    }
}
