import MoorCore

/// Collects rendered objects, refusing invalid ones, duplicates and too many.
///
/// Every object needs a valid `apiVersion`, `kind` and `metadata.name` (a `generateName` alone is
/// refused: Moor could never find the object again to diff or prune it), except a hook (an object
/// with one of ``hookAnnotations``), which may have a `generateName` instead: each run creates a new
/// one. Labels and annotations must map to strings. Two objects with the same group, kind,
/// namespace and name are refused, naming both places.
struct ManifestValidator {
    /// The objects accepted so far, in order.
    private(set) var objects: [ManifestObject] = []
    private var seen: [ObjectRef: SourceLocation] = [:]
    private let maxObjects: Int

    /// The annotations that make an object a sync hook (Moor's, Argo CD's, Helm's).
    static let hookAnnotations = ["moor.dev/hook", "argocd.argoproj.io/hook", "helm.sh/hook"]

    /// A validator that accepts at most `maxObjects` objects.
    init(maxObjects: Int) {
        self.maxObjects = maxObjects
    }

    /// Validates and appends `manifests`.
    mutating func add(_ manifests: [ManifestObject]) throws(RenderError) {
        for manifest in manifests {
            guard objects.count < maxObjects else {
                throw RenderError(
                    .limitExceeded, at: manifest.source,
                    "the application renders more than \(maxObjects) objects, the limit; split it into "
                        + "several applications")
            }
            let ref = try Self.validate(manifest)
            if let first = seen[ref.identity] {
                throw RenderError(
                    .duplicateObject, at: manifest.source,
                    "\(ref) is defined twice, here and at \(first); remove one of them")
            }
            seen[ref.identity] = manifest.source
            objects.append(manifest)
        }
    }

    /// Checks one object and returns its ref.
    static func validate(_ manifest: ManifestObject) throws(RenderError) -> ObjectRef {
        let object = manifest.object
        func invalid(_ message: String) -> RenderError {
            RenderError(.invalidObject, at: manifest.source, message)
        }
        let required = "every object needs apiVersion, kind and metadata.name"
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            throw invalid("apiVersion is missing or not a string; \(required)")
        }
        guard Self.isAPIVersion(apiVersion) else {
            throw invalid("apiVersion \(quoted(apiVersion)) is not valid; write it as 'v1' or 'group/version'")
        }
        guard let kind = object["kind"]?.stringValue, !kind.isEmpty else {
            throw invalid("kind is missing or not a string; \(required)")
        }
        guard let first = kind.unicodeScalars.first, first.isASCIILetter,
            kind.unicodeScalars.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit })
        else {
            throw invalid("kind \(quoted(kind)) is not valid; kinds are letters and digits, like 'Deployment'")
        }
        guard let metadata = object["metadata"]?.objectValue else {
            throw invalid("metadata is missing or not a mapping; \(required)")
        }
        let annotations = metadata["annotations"]?.objectValue ?? JSONObject()
        let generateName = metadata["generateName"]?.stringValue ?? ""
        let isHook = Self.hookAnnotations.contains { annotations[$0] != nil }
        guard let name = metadata["name"]?.stringValue ?? (isHook && !generateName.isEmpty ? generateName : nil),
            !name.isEmpty
        else {
            if metadata["generateName"] != nil {
                throw invalid(
                    "metadata.generateName is not supported: Moor cannot track objects whose name the "
                        + "cluster generates; set metadata.name")
            }
            throw invalid("metadata.name is missing or not a string; \(required)")
        }
        let group = ObjectRef.split(apiVersion: apiVersion).group
        // A generateName is no name yet (it may end in '-'); the server checks the name it makes of it.
        if metadata["name"] != nil, let problem = NameRule.for(group: group, kind: kind).problem(with: name) {
            throw invalid("metadata.name \(quoted(name)) is not a valid \(kind) name: \(problem)")
        }
        var namespace = ""
        if let value = metadata["namespace"], !value.isNull {
            guard let string = value.stringValue, NameRule.dnsLabel.problem(with: string) == nil else {
                throw invalid("metadata.namespace must be a valid namespace name: \(NameRule.dnsLabel.summary)")
            }
            namespace = string
        }
        for field in ["labels", "annotations"] {
            guard let value = metadata[field], !value.isNull else { continue }
            guard let map = value.objectValue else { throw invalid("metadata.\(field) must be a mapping") }
            for (key, element) in map where element.stringValue == nil {
                throw invalid("metadata.\(field).\(quoted(key, limit: 63)) must be a string; quote the value")
            }
        }
        return ObjectRef(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    private static func isAPIVersion(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let version = parts.last, !version.isEmpty, parts.count <= 2,
            version.unicodeScalars.allSatisfy({ $0.isASCIILowercase || $0.isASCIIDigit })
        else { return false }
        return parts.count == 1 || NameRule.dnsSubdomain.problem(with: String(parts[0])) == nil
    }
}

/// The naming rules the API server applies to `metadata.name`.
enum NameRule {
    /// RFC 1123 subdomain: most kinds, custom resources included.
    case dnsSubdomain
    /// RFC 1123 label: namespaces.
    case dnsLabel
    /// RFC 1035 label: services.
    case dns1035Label
    /// Any path segment: RBAC roles and bindings (`system:controller:…`).
    case pathSegment

    /// The rule for objects of `kind` in `group`.
    static func `for`(group: String, kind: String) -> NameRule {
        switch (group, kind) {
        case ("", "Namespace"): .dnsLabel
        case ("", "Service"): .dns1035Label
        case ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"),
            ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            .pathSegment
        default: .dnsSubdomain
        }
    }

    /// What the rule allows, for messages.
    var summary: String {
        switch self {
        case .dnsSubdomain:
            "at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
        case .dnsLabel: "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
        case .dns1035Label:
            "at most 63 lowercase letters, digits and '-', starting with a letter and ending with "
                + "a letter or digit"
        case .pathSegment: "any text without '/' or '%', other than '.' and '..'"
        }
    }

    /// `nil` when `name` follows the rule, else ``summary``.
    func problem(with name: String) -> String? {
        isValid(name) ? nil : summary
    }

    private func isValid(_ name: String) -> Bool {
        switch self {
        case .pathSegment:
            return !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("%")
        case .dnsSubdomain:
            return name.utf8.count <= 253
                && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
                    Self.isLabel($0, mustStartWithLetter: false)
                }
        case .dnsLabel:
            return name.utf8.count <= 63 && Self.isLabel(name[...], mustStartWithLetter: false)
        case .dns1035Label:
            return name.utf8.count <= 63 && Self.isLabel(name[...], mustStartWithLetter: true)
        }
    }

    private static func isLabel(_ label: Substring, mustStartWithLetter: Bool) -> Bool {
        let scalars = label.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
            scalars.allSatisfy({ $0.isASCIILowercase || $0.isASCIIDigit || $0 == "-" })
        else { return false }
        let startOK = mustStartWithLetter ? first.isASCIILowercase : first != "-"
        return startOK && last != "-"
    }
}

/// `'text'`, cut to `limit` characters so messages stay bounded.
func quoted(_ text: String, limit: Int = 80) -> String {
    text.count <= limit ? "'\(text)'" : "'\(text.prefix(limit))…'"
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { isASCIILowercase || ("A"..."Z").contains(self) }
    fileprivate var isASCIILowercase: Bool { ("a"..."z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
