public import MoorCore

/// When a hook runs.
public enum HookPhase: String, Sendable, Hashable, CaseIterable {
    /// Before any object is applied; a failure stops the sync.
    case preSync = "PreSync"
    /// With the objects of its wave.
    case sync = "Sync"
    /// After every wave is applied and healthy.
    case postSync = "PostSync"
    /// Only when the sync failed.
    case syncFail = "SyncFail"
    /// Argo CD's `Skip`: the object is never applied.
    case skip = "Skip"
}

/// When a hook object is deleted.
public enum HookDeletePolicy: String, Sendable, Hashable, CaseIterable {
    /// Delete the previous run's object before creating it again (the default).
    case beforeHookCreation = "BeforeHookCreation"
    /// Delete it once it succeeded.
    case hookSucceeded = "HookSucceeded"
    /// Delete it once it failed.
    case hookFailed = "HookFailed"

    /// The policy Helm's `helm.sh/hook-delete-policy` spells `name` (`before-hook-creation`,
    /// `hook-succeeded`, `hook-failed`); `nil` for any other name.
    public init?(helm name: String) {
        switch name {
        case "before-hook-creation": self = .beforeHookCreation
        case "hook-succeeded": self = .hookSucceeded
        case "hook-failed": self = .hookFailed
        default: return nil
        }
    }
}

/// The per-object sync annotations, read under `moor.dev/` or Argo CD's `argocd.argoproj.io/`
/// spelling (Moor's wins when both are present), and Helm's hook annotations as Argo CD maps them
/// (``HelmHook``): `helm.sh/hook` gives the phases, `helm.sh/hook-weight` the wave and
/// `helm.sh/hook-delete-policy` the delete policies, each only where no Moor or Argo CD annotation
/// says the same.
public struct SyncAnnotations: Sendable, Hashable {
    /// The wave (default 0); lower waves apply first, and inside a hook phase lower waves run first.
    public var wave: Int
    /// The phases a sync runs the object at, if it is a hook.
    public var hooks: [HookPhase]
    /// Delete policies of a hook.
    public var deletePolicies: [HookDeletePolicy]
    /// Per-object sync options (`Prune=false`, `Replace=true`, …) on top of the application's.
    public var options: [String]
    /// Whether the object is a hook: run at its phases (if any), never applied, compared, pruned or
    /// counted as an application object.
    public let isHook: Bool

    /// The prefixes read, in order of precedence.
    public static let prefixes = ["moor.dev/", "argocd.argoproj.io/"]
    /// The prefix of Helm's hook annotations, read where the ``prefixes`` say nothing.
    public static let helmPrefix = "helm.sh/"

    /// Reads the annotations of `object`; throws a message naming a malformed value.
    public init(object: JSONValue) throws(SyncAnnotationError) {
        let annotations = object[path: "metadata", "annotations"]?.objectValue ?? JSONObject()
        func value(_ key: String) -> String? {
            for prefix in Self.prefixes {
                if let text = annotations[prefix + key]?.stringValue { return text }
            }
            return nil
        }
        func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        }
        let helm = { (key: String) in annotations[Self.helmPrefix + key]?.stringValue }
        if let text = value("sync-wave") ?? helm("hook-weight") {
            guard let number = Int(text.trimmingCharacters()) else {
                let key = value("sync-wave") == nil ? "\(Self.helmPrefix)hook-weight" : "sync-wave"
                throw SyncAnnotationError("\(key) \"\(text)\" is not a whole number")
            }
            wave = number
        } else {
            wave = 0
        }
        var hooks: [HookPhase] = []
        var policies: [HookDeletePolicy] = []
        if let text = value("hook") {
            for name in list(text) {
                guard let phase = HookPhase(rawValue: name) else {
                    throw SyncAnnotationError(
                        "hook \"\(name)\" is unknown; use PreSync, Sync, PostSync, SyncFail or Skip")
                }
                hooks.append(phase)
            }
            isHook = !hooks.isEmpty && hooks != [.skip]
        } else {
            // Helm skips hook events it does not know; so does Moor (the object is a hook never run).
            let events = list(helm("hook")).map { $0.lowercased() }.filter { $0 != HelmHook.crdInstall.rawValue }
            for phase in events.compactMap({ HelmHook(rawValue: $0)?.phase }) where !hooks.contains(phase) {
                hooks.append(phase)
            }
            isHook = !events.isEmpty
        }
        if let text = value("hook-delete-policy") {
            for name in list(text) {
                guard let policy = HookDeletePolicy(rawValue: name) else {
                    throw SyncAnnotationError(
                        "hook-delete-policy \"\(name)\" is unknown; use BeforeHookCreation, HookSucceeded or "
                            + "HookFailed")
                }
                policies.append(policy)
            }
        } else {
            for name in list(helm("hook-delete-policy")) {
                guard let policy = HookDeletePolicy(helm: name.lowercased()) else {
                    throw SyncAnnotationError(
                        "\(Self.helmPrefix)hook-delete-policy \"\(name)\" is unknown; use before-hook-creation, "
                            + "hook-succeeded or hook-failed")
                }
                policies.append(policy)
            }
        }
        self.hooks = hooks
        deletePolicies = policies.isEmpty && isHook ? [.beforeHookCreation] : policies
        options = list(value("sync-options")).flatMap { $0.split(separator: ";").map { $0.trimmingCharacters() } }
    }

    /// Whether the object must never be applied.
    public var isSkipped: Bool { hooks.contains(.skip) }
}

/// A malformed sync annotation.
public struct SyncAnnotationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
