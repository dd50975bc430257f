/// A semantic-version constraint over Git tags, in the npm/Helm (Masterminds) syntax Argo CD users write.
///
/// - Alternatives are separated by `||`; within one, comparisons separated by spaces or commas must all hold.
/// - Comparisons: `=`, `!=`, `>`, `>=`, `<`, `<=` (a bare version means `=`), `~1.4.2` (`>=1.4.2 <1.5.0`),
///   `~1.4` (`>=1.4.0 <1.5.0`), `^1.4` (`>=1.4.0 <2.0.0`; `^0.4.1` is `>=0.4.1 <0.5.0`), hyphen ranges
///   `1.2 - 1.4.5`, and wildcards `1.2.*`, `1.x`, `*` (a bare partial `1.2` means `1.2.*`).
/// - A pre-release version matches only an alternative that names a pre-release itself
///   (`>=1.0.0-0` admits them, `>=1.0.0` does not).
package struct VersionConstraint: Sendable, Hashable, CustomStringConvertible {
    /// The constraint as written.
    package let description: String
    private let alternatives: [Alternative]

    /// Comparisons that must all hold.
    private struct Alternative: Sendable, Hashable {
        var comparisons: [Comparison]
        var admitsPrerelease: Bool
    }

    private struct Comparison: Sendable, Hashable {
        enum Operator: String, Sendable, CaseIterable {
            // Longest spellings first, so that `>=` is not read as `>`.
            case greaterOrEqual = ">="
            case lessOrEqual = "<="
            case notEqual = "!="
            case tildeArrow = "~>"
            case greater = ">"
            case less = "<"
            case equal = "="
            case tilde = "~"
            case caret = "^"
        }
        var op: Operator
        var version: SemanticVersion

        func holds(for candidate: SemanticVersion) -> Bool {
            switch op {
            case .greaterOrEqual: candidate >= version
            case .lessOrEqual: candidate <= version
            case .greater: candidate > version
            case .less: candidate < version
            case .notEqual: candidate != version
            case .equal, .tilde, .tildeArrow, .caret: candidate == version
            }
        }
    }

    /// Parses a constraint; `nil` when `text` is not one.
    package init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 1024 else { return nil }
        var alternatives: [Alternative] = []
        for written in text.split(separator: "||", omittingEmptySubsequences: false).map(String.init) {
            guard let alternative = Self.alternative(written) else { return nil }
            alternatives.append(alternative)
        }
        self.description = text
        self.alternatives = alternatives
    }

    /// Whether `version` satisfies the constraint.
    package func isSatisfied(by version: SemanticVersion) -> Bool {
        alternatives.contains { alternative in
            (alternative.admitsPrerelease || !version.isPrerelease)
                && alternative.comparisons.allSatisfy { $0.holds(for: version) }
        }
    }

    private static func alternative(_ text: String) -> Alternative? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        // Join operators written apart from their versions (`>= 1.2`).
        var terms: [String] = []
        for word in words {
            if let last = terms.last, Comparison.Operator(rawValue: last) != nil {
                terms[terms.count - 1] = last + word
            } else {
                terms.append(word)
            }
        }
        guard !terms.isEmpty else { return nil }
        var comparisons: [Comparison] = []
        var index = 0
        while index < terms.count {
            let expanded: [Comparison]?
            if index + 2 < terms.count, terms[index + 1] == "-" {
                expanded = hyphenRange(terms[index], terms[index + 2])
                index += 3
            } else {
                expanded = comparisonsFor(term: terms[index])
                index += 1
            }
            guard let expanded else { return nil }
            comparisons += expanded
        }
        let admitsPrerelease = terms.contains { term in
            PartialVersion(term.drop { !$0.isNumber && $0 != "v" && $0 != "V" })?.prerelease.isEmpty == false
        }
        return Alternative(comparisons: comparisons, admitsPrerelease: admitsPrerelease)
    }

    private static func hyphenRange(_ lower: String, _ upper: String) -> [Comparison]? {
        guard let low = PartialVersion(lower), let high = PartialVersion(upper), low.major != nil else { return nil }
        var result = [Comparison(op: .greaterOrEqual, version: low.lowest)]
        if high.major != nil {
            result.append(upperBound(inclusive: high))
        }
        return result
    }

    /// Desugars one `OPversion` term into plain comparisons.
    private static func comparisonsFor(term: String) -> [Comparison]? {
        let written = Comparison.Operator.allCases.first { term.hasPrefix($0.rawValue) }
        guard let version = PartialVersion(term.dropFirst(written?.rawValue.count ?? 0)) else { return nil }
        let op = written ?? .equal
        let specified = version.specified
        let plain: Set<Comparison.Operator> = [.equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual]
        if plain.contains(op) && (specified.count == 3 || op == .greaterOrEqual) {
            return [Comparison(op: op, version: version.lowest)]
        }
        switch op {
        case .equal:
            // `1.2`, `1.2.*`, `*`: everything the wildcard covers.
            return specified.isEmpty
                ? [Comparison(op: .greaterOrEqual, version: SemanticVersion(0, 0, 0))]
                : [Comparison(op: .greaterOrEqual, version: version.lowest), upperBound(inclusive: version)]
        case .greater where !specified.isEmpty:
            return [
                Comparison(op: .greaterOrEqual, version: bumped(specified, at: specified.count - 1, prerelease: []))
            ]
        case .less where !specified.isEmpty:
            return [Comparison(op: .less, version: version.lowest)]
        case .lessOrEqual where !specified.isEmpty:
            return [upperBound(inclusive: version)]
        case .tilde where !specified.isEmpty, .tildeArrow where !specified.isEmpty:
            let bump = specified.count == 1 ? 0 : 1
            return [
                Comparison(op: .greaterOrEqual, version: version.lowest),
                Comparison(op: .less, version: bumped(specified, at: bump)),
            ]
        case .caret where !specified.isEmpty:
            let firstNonZero = specified.firstIndex { $0 != 0 } ?? specified.count - 1
            return [
                Comparison(op: .greaterOrEqual, version: version.lowest),
                Comparison(op: .less, version: bumped(specified, at: firstNonZero)),
            ]
        default:
            // `!=1.2`, `>*`, `<*`, `~*`, `^*`: not meaningful.
            return nil
        }
    }

    /// `<=` a full version, or `<` the next version after what a partial one covers (`<=1.2` is `<1.3.0`).
    private static func upperBound(inclusive version: PartialVersion) -> Comparison {
        let specified = version.specified
        if specified.count == 3 { return Comparison(op: .lessOrEqual, version: version.lowest) }
        return Comparison(op: .less, version: bumped(specified, at: specified.count - 1))
    }

    /// The version with part `index` incremented and later parts zeroed. As an upper bound it carries the
    /// lowest pre-release, `-0`, so that `<2.0.0-0` also excludes the pre-releases of `2.0.0`.
    private static func bumped(_ parts: [Int], at index: Int, prerelease: [String] = ["0"]) -> SemanticVersion {
        var core = parts + Array(repeating: 0, count: 3 - parts.count)
        core[index] += 1
        for later in core.indices where later > index { core[later] = 0 }
        return SemanticVersion(core[0], core[1], core[2], prerelease: prerelease)
    }
}
