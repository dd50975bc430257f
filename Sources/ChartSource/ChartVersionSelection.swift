internal import MoorCore

/// Which of a chart's published versions a target revision picks, as Argo CD and Helm pick: a
/// version written exactly (with or without a leading `v`) is taken as is; otherwise the target is a
/// semver constraint and the highest satisfying version wins (pre-releases only when the constraint
/// names one; `*` is the highest release). Versions that are not semver take part only in exact matches.
public enum ChartVersionSelection {
    /// The version of `versions` that `target` picks, as written in `versions`; `nil` when none does
    /// (or `target` is neither a published version nor a constraint).
    public static func select(_ target: String, from versions: [String]) -> String? {
        if let exact = versions.first(where: { $0 == target }) { return exact }
        guard let constraint = VersionConstraint(target) else { return nil }
        return versions.compactMap { text in SemanticVersion(text).map { (text, $0) } }
            .filter { constraint.isSatisfied(by: $0.1) }
            .max { $0.1 < $1.1 }?.0
    }
}
