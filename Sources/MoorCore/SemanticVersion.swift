/// A semantic version (semver.org 2.0.0) as written in Git tags: `1.2.3`, `v1.2.3-rc.1+build.7`.
///
/// Parsing accepts an optional `v`/`V` prefix and, like most Git tooling, a shortened core (`1`, `1.2`
/// mean `1.0.0`, `1.2.0`). Numeric parts and numeric pre-release identifiers must not have leading zeros.
/// Equality, hashing and ordering follow semver precedence, so build metadata is ignored by all three.
package struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version.
    package var major: Int
    /// The minor version.
    package var minor: Int
    /// The patch version.
    package var patch: Int
    /// Dot-separated pre-release identifiers (`["rc", "1"]` for `-rc.1`); empty for a release.
    package var prerelease: [String]
    /// Dot-separated build metadata identifiers; ignored by comparisons.
    package var build: [String]

    /// Creates a version from its parts.
    package init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses a version; `nil` when `text` is not one.
    package init?(_ text: some StringProtocol) {
        guard let partial = PartialVersion(text), !partial.hasWildcard, let major = partial.major else { return nil }
        self.init(major, partial.minor ?? 0, partial.patch ?? 0, prerelease: partial.prerelease, build: partial.build)
    }

    /// Whether this is a pre-release (has pre-release identifiers).
    package var isPrerelease: Bool { !prerelease.isEmpty }

    /// `major.minor.patch[-prerelease][+build]`, without a `v` prefix.
    package var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    /// Equal precedence (build metadata ignored).
    package static func == (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch, lhs.prerelease) == (rhs.major, rhs.minor, rhs.patch, rhs.prerelease)
    }

    /// Hashes the parts that take part in precedence.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    /// Semver precedence: core numerically; a pre-release precedes its release; pre-release identifiers
    /// compare numerically when both are numbers, numbers before words, words in ASCII order, and a
    /// shorter list first when it is a prefix of the longer one.
    package static func < (lhs: Self, rhs: Self) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, _): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (Int(left), Int(right)) {
            case (let left?, let right?): return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return left < right
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }
}

/// A version as written in a tag or a constraint: each core part may be missing or a wildcard
/// (`x`, `X`, `*`). Wildcards and missing parts may only follow the specified parts.
struct PartialVersion: Sendable, Hashable {
    /// The major part; `nil` when missing or a wildcard.
    var major: Int?
    /// The minor part; `nil` when missing or a wildcard.
    var minor: Int?
    /// The patch part; `nil` when missing or a wildcard.
    var patch: Int?
    /// Pre-release identifiers (only with a full core).
    var prerelease: [String] = []
    /// Build metadata identifiers (only with a full core).
    var build: [String] = []
    /// Whether a part was written as `x`, `X` or `*`.
    var hasWildcard = false

    /// Parses `[v]MAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]` with wildcards; `nil` on anything else.
    init?(_ text: some StringProtocol) {
        var rest = Substring(text)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        if let plus = rest.firstIndex(of: "+") {
            guard let build = Self.identifiers(rest[rest.index(after: plus)...], numeric: false) else { return nil }
            self.build = build
            rest = rest[..<plus]
        }
        if let dash = rest.firstIndex(of: "-") {
            guard let prerelease = Self.identifiers(rest[rest.index(after: dash)...], numeric: true) else {
                return nil
            }
            self.prerelease = prerelease
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(core.count) else { return nil }
        var numbers: [Int] = []
        for part in core {
            if part == "x" || part == "X" || part == "*" {
                hasWildcard = true
            } else {
                guard !hasWildcard, let number = Self.number(part) else { return nil }
                numbers.append(number)
            }
        }
        guard numbers.count == 3 || (prerelease.isEmpty && build.isEmpty) else { return nil }
        major = numbers.first
        minor = numbers.count > 1 ? numbers[1] : nil
        patch = numbers.count > 2 ? numbers[2] : nil
    }

    /// The specified core parts, in order (`[1, 2]` for `1.2.x`).
    var specified: [Int] { [major, minor, patch].prefix { $0 != nil }.compactMap { $0 } }

    /// The lowest version this partial covers (missing parts are zero).
    var lowest: SemanticVersion {
        SemanticVersion(major ?? 0, minor ?? 0, patch ?? 0, prerelease: prerelease)
    }

    /// A non-negative decimal without leading zeros (and small enough for `Int`).
    private static func number(_ part: Substring) -> Int? {
        guard !part.isEmpty, part.count <= 18, part.allSatisfy({ $0.isASCII && $0.isNumber }),
            part == "0" || part.first != "0"
        else { return nil }
        return Int(part)
    }

    /// Dot-separated identifiers of `[0-9A-Za-z-]`; numeric ones without leading zeros when `numeric`.
    private static func identifiers(_ text: Substring, numeric: Bool) -> [String]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return nil }
            if numeric && part.allSatisfy(\.isNumber) && number(part) == nil { return nil }
        }
        return parts.map(String.init)
    }
}
