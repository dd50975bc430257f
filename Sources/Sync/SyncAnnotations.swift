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
}

/// The per-object sync annotations, read under `moor.dev/` or Argo CD's `argocd.argoproj.io/`
/// spelling (Moor's wins when both are present).
public struct SyncAnnotations: Sendable, Hashable {
    /// The wave (default 0); lower waves apply first.
    public var wave: Int
    /// The hook phases, if the object is a hook.
    public var hooks: [HookPhase]
    /// Delete policies of a hook.
    public var deletePolicies: [HookDeletePolicy]
    /// Per-object sync options (`Prune=false`, `Replace=true`, …) on top of the application's.
    public var options: [String]

    /// The prefixes read, in order of precedence.
    public static let prefixes = ["moor.dev/", "argocd.argoproj.io/"]

    /// Reads the annotations of `object`; throws a message naming a malformed value.
    public init(object: JSONValue) throws(SyncAnnotationError) {
        let annotations = object[path: "metadata", "annotations"]?.objectValue ?? JSONObject()
        func value(_ key: String) -> String? {
            for prefix in Self.prefixes {
                if let text = annotations[prefix + key]?.stringValue { return text }
            }
            return nil
        }
        func list(_ key: String) -> [String] {
            (value(key) ?? "").split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        }
        if let text = value("sync-wave") {
            guard let number = Int(text.trimmingCharacters()) else {
                throw SyncAnnotationError("sync-wave \"\(text)\" is not a whole number")
            }
            wave = number
        } else {
            wave = 0
        }
        var hooks: [HookPhase] = []
        for name in list("hook") {
            guard let phase = HookPhase(rawValue: name) else {
                throw SyncAnnotationError(
                    "hook \"\(name)\" is unknown; use PreSync, Sync, PostSync, SyncFail or Skip")
            }
            hooks.append(phase)
        }
        self.hooks = hooks
        var policies: [HookDeletePolicy] = []
        for name in list("hook-delete-policy") {
            guard let policy = HookDeletePolicy(rawValue: name) else {
                throw SyncAnnotationError(
                    "hook-delete-policy \"\(name)\" is unknown; use BeforeHookCreation, HookSucceeded or HookFailed")
            }
            policies.append(policy)
        }
        deletePolicies = policies.isEmpty && !hooks.isEmpty ? [.beforeHookCreation] : policies
        options = list("sync-options").flatMap { $0.split(separator: ";").map { $0.trimmingCharacters() } }
    }

    /// Whether the object is a hook (run at a phase, not kept in sync).
    public var isHook: Bool { !hooks.isEmpty && hooks != [.skip] }
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
