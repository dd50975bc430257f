/// The API group and kind a health customization applies to, either of which may contain `*` wildcards.
///
/// `*` matches any run of characters, the empty one included, so `*.crossplane.io` matches
/// `ec2.aws.crossplane.io` and the group `*` matches every group, the core group (`""`) too. No other
/// character is special.
public struct GroupKindPattern: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The API group pattern; `""` is the core group.
    public let group: String
    /// The kind pattern, e.g. `Certificate` or `*`.
    public let kind: String

    /// Creates a pattern.
    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    /// Whether the pattern has no wildcard, i.e. names exactly one group and kind.
    public var isExact: Bool { !group.contains("*") && !kind.contains("*") }

    /// Whether an object of `group` and `kind` matches.
    public func matches(group: String, kind: String) -> Bool {
        Self.glob(Array(self.kind.utf8), Array(kind.utf8)) && Self.glob(Array(self.group.utf8), Array(group.utf8))
    }

    /// `group/kind`, or `kind` alone for the core group: the spelling of a `resource.customizations` key.
    public var description: String { group.isEmpty ? kind : "\(group)/\(kind)" }

    /// Precedence, most specific first: a pattern without wildcards before one with them, then the pattern
    /// with more characters other than `*`, then the one whose text (``description``) sorts first.
    public static func < (lhs: GroupKindPattern, rhs: GroupKindPattern) -> Bool {
        if lhs.isExact != rhs.isExact { return lhs.isExact }
        if lhs.literalCount != rhs.literalCount { return lhs.literalCount > rhs.literalCount }
        return lhs.description < rhs.description
    }

    /// How many characters of the group and kind patterns are not `*`.
    private var literalCount: Int { (group + kind).utf8.count { $0 != UInt8(ascii: "*") } }

    /// Whether `text` matches `pattern`, where `*` matches any run of bytes. Linear backtracking to the
    /// last `*` seen, so no pattern can take more than `pattern.count × text.count` steps.
    private static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0
        var t = 0
        var lastStar: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == star {
                lastStar = p
                resume = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star = lastStar {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
