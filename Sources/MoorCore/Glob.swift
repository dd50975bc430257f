/// A file-name pattern with Argo CD's `directory.include`/`exclude` semantics (gobwas/glob without
/// separators): `*` and `**` match any run of characters, `/` included; `?` matches one
/// character; `[abc]`, `[a-z]` and `[!abc]` match one character of (or not of) a set;
/// `{a,b}` matches either alternative (alternatives may contain patterns and nest); `\` makes the
/// next character literal. A pattern matches the whole path relative to the application directory,
/// e.g. `{config.json,env-usw2/*}` or `*.yaml`.
///
/// With `separators` (gobwas/glob's `glob.Compile(pattern, separators...)`, as Argo CD matches
/// `sourceRepos` with `/`), `*` and `?` stop at a separator and `**` matches any run, separators
/// included.
package struct Glob: Sendable {
    private indirect enum Node: Sendable {
        case literal(Character)
        case anyRun
        case superRun
        case anyOne
        case set(negated: Bool, ranges: [ClosedRange<Character>])
        case alternatives([[Node]])
    }

    private let nodes: [Node]
    private let separators: Set<Character>

    /// Parses a pattern; the error string says what is wrong with it. With `separators`, `*` and
    /// `?` never match one of them and `**` matches anything.
    package init(_ pattern: String, separators: Set<Character> = []) throws(GlobSyntaxError) {
        var parser = Parser(characters: Array(pattern), separated: !separators.isEmpty)
        nodes = try parser.sequence(insideAlternatives: false)
        self.separators = separators
    }

    /// Whether `text` matches the whole pattern.
    package func matches(_ text: String) -> Bool {
        match(nodes[...], Array(text)[...])
    }

    private func match(_ nodes: ArraySlice<Node>, _ text: ArraySlice<Character>) -> Bool {
        guard let node = nodes.first else { return text.isEmpty }
        let rest = nodes.dropFirst()
        switch node {
        case .literal(let c):
            return text.first == c && match(rest, text.dropFirst())
        case .anyOne:
            guard let c = text.first, !separators.contains(c) else { return false }
            return match(rest, text.dropFirst())
        case .set(let negated, let ranges):
            guard let c = text.first else { return false }
            return ranges.contains { $0.contains(c) } != negated && match(rest, text.dropFirst())
        case .anyRun, .superRun:
            var crossesSeparators = separators.isEmpty
            if case .superRun = node { crossesSeparators = true }
            if rest.isEmpty { return crossesSeparators || !text.contains(where: separators.contains) }
            var suffix = text
            while true {
                if match(rest, suffix) { return true }
                guard let c = suffix.first, crossesSeparators || !separators.contains(c) else { return false }
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
        let separated: Bool
        var index = 0

        mutating func sequence(insideAlternatives: Bool) throws(GlobSyntaxError) -> [Node] {
            var nodes: [Node] = []
            while index < characters.count {
                let c = characters[index]
                if insideAlternatives, c == "," || c == "}" { return nodes }
                index += 1
                switch c {
                case "*" where separated:
                    switch nodes.last {
                    case .anyRun: nodes[nodes.count - 1] = .superRun
                    case .superRun: break
                    default: nodes.append(.anyRun)
                    }
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
