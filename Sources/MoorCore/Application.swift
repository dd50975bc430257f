/// One application: a source in Git, a destination in a cluster, and a sync policy.
///
/// Field names follow Argo CD's `Application` where the meaning is the same, so an Argo CD
/// manifest moves over by changing its `apiVersion` to `moor.dev/v1alpha1`.
public struct Application: Sendable, Hashable {
    /// The application's name (also the first part of every tracking id).
    public var name: String
    /// The namespace of the Application resource itself (empty when read from a file).
    public var namespace: String
    /// Source, destination and policy.
    public var spec: ApplicationSpec
    /// The value of its `manifest-generate-paths` annotation (``ManifestPaths``): the files its manifests
    /// are generated from, when more than its sources' paths; `nil` without one.
    public var manifestGeneratePaths: String?

    /// Creates an application.
    public init(name: String, namespace: String = "", spec: ApplicationSpec, manifestGeneratePaths: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.spec = spec
        self.manifestGeneratePaths = manifestGeneratePaths
    }
}

/// What an application is made of.
public struct ApplicationSpec: Sendable, Hashable {
    /// Where the manifests come from; with ``sources``, the first of them (setting it sets that one).
    public var source: ApplicationSource {
        get { sources.first ?? single }
        set {
            if sources.isEmpty { single = newValue } else { sources[0] = newValue }
        }
    }
    /// Argo CD's `spec.sources`: several sources rendered each on its own and combined; empty for an
    /// application of one ``source``.
    public var sources: [ApplicationSource]
    private var single: ApplicationSource
    /// Where they go.
    public var destination: ApplicationDestination
    /// When and how to sync.
    public var syncPolicy: SyncPolicy
    /// Differences to ignore (Argo CD's `ignoreDifferences` entries, interpreted by the Diff module).
    public var ignoreDifferences: [JSONValue]
    /// The project whose rules the application follows (Argo CD's `spec.project`; `default` when unset).
    public var project: String
    /// Flux's `spec.serviceAccountName`: the ServiceAccount (in the destination namespace) whose
    /// permissions the application's writes use; empty for the project's or the controller's default.
    public var serviceAccountName: String

    /// Creates a spec.
    public init(
        source: ApplicationSource, sources: [ApplicationSource] = [], destination: ApplicationDestination,
        syncPolicy: SyncPolicy = .init(), ignoreDifferences: [JSONValue] = [], project: String = "default",
        serviceAccountName: String = ""
    ) {
        self.single = source
        self.sources = sources
        self.destination = destination
        self.syncPolicy = syncPolicy
        self.ignoreDifferences = ignoreDifferences
        self.project = project.isEmpty ? "default" : project
        self.serviceAccountName = serviceAccountName
    }

    /// Every source: ``sources``, or ``source`` alone.
    public var allSources: [ApplicationSource] { sources.isEmpty ? [source] : sources }
}

/// A Git repository, a revision and a path, plus the renderer options.
public struct ApplicationSource: Sendable, Hashable {
    /// Repository URL (`https://`, `ssh://`, `git@host:path`, `file://`, …).
    public var repoURL: String
    /// Branch, tag, commit, semver constraint or `HEAD`.
    public var targetRevision: String
    /// Directory inside the repository.
    public var path: String
    /// The whole `source` object, for renderer options (`directory`, `kustomize`, `helm`, `plugin`…).
    public var options: JSONValue

    /// Creates a source.
    public init(repoURL: String, targetRevision: String = "HEAD", path: String = ".", options: JSONValue = .emptyObject)
    {
        self.repoURL = repoURL
        self.targetRevision = targetRevision.isEmpty ? "HEAD" : targetRevision
        self.path = path.isEmpty ? "." : path
        self.options = options
    }

    /// The name other sources of a multi-source application give this source's repository
    /// (`$NAME/…` in `helm.valueFiles`): its `ref` field, empty when unset.
    public var ref: String { options["ref"]?.stringValue ?? "" }

    /// Whether the source renders objects: all do but a `ref` source that names no `path` or `chart`
    /// (it only lends its files to the others), as in Argo CD.
    public var renders: Bool {
        ref.isEmpty || !(options["path"]?.stringValue ?? "").isEmpty || chart != nil
    }

    /// One line for people: `REPO (path P, revision R)`, with `chart C` for a remote chart and
    /// `ref NAME` for a `ref` source.
    public var summary: String {
        var parts: [String] = []
        if let chart, !chart.isEmpty { parts.append("chart \(chart)") }
        if renders, chart == nil { parts.append("path \(path)") }
        if !ref.isEmpty { parts.append("ref \(ref)") }
        parts.append("revision \(targetRevision)")
        return "\(repoURL) (\(parts.joined(separator: ", ")))"
    }

    /// The remote chart this source names: its `chart` field, or `""` for an `oci://` `repoURL`
    /// without one (the OCI repository is the chart itself); `nil` for a Git repository or a local
    /// directory.
    public var chart: String? {
        if let chart = options["chart"]?.stringValue, !chart.isEmpty { return chart }
        return repoURL.lowercased().hasPrefix("oci://") ? "" : nil
    }
}

/// The cluster and default namespace an application deploys to.
public struct ApplicationDestination: Sendable, Hashable {
    /// A registered cluster's name, or empty for the cluster Moor talks to by default.
    public var name: String
    /// A cluster's API server URL (alternative to ``name``).
    public var server: String
    /// The namespace for namespaced objects that name none.
    public var namespace: String

    /// Creates a destination.
    public init(name: String = "", server: String = "", namespace: String = "") {
        self.name = name
        self.server = server
        self.namespace = namespace
    }
}

/// When and how an application syncs.
public struct SyncPolicy: Sendable, Hashable {
    /// Automatic sync; `nil` means Moor only reports OutOfSync.
    public var automated: AutomatedSync?
    /// `syncOptions` such as `CreateNamespace=true`.
    public var syncOptions: SyncOptions
    /// Retries of a failed sync.
    public var retry: SyncRetry?
    /// Largest share (0…1) of an application's tracked objects one sync may prune without an override.
    public var maxPruneShare: Double

    /// Creates a policy.
    public init(
        automated: AutomatedSync? = nil, syncOptions: SyncOptions = .init(), retry: SyncRetry? = nil,
        maxPruneShare: Double = 0.5
    ) {
        self.automated = automated
        self.syncOptions = syncOptions
        self.retry = retry
        self.maxPruneShare = maxPruneShare
    }
}

/// Automatic sync settings.
public struct AutomatedSync: Sendable, Hashable {
    /// Delete tracked objects that Git no longer holds.
    public var prune: Bool
    /// Revert changes made in the cluster by others.
    public var selfHeal: Bool

    /// Creates settings.
    public init(prune: Bool = false, selfHeal: Bool = false) {
        self.prune = prune
        self.selfHeal = selfHeal
    }
}

/// Retry settings of a failed sync: `limit` attempts, delays from `duration` growing by `factor` up to `maxDuration`.
public struct SyncRetry: Sendable, Hashable {
    /// Attempts after the first; negative means unlimited.
    public var limit: Int
    /// First delay in seconds.
    public var durationSeconds: Double
    /// Growth factor.
    public var factor: Double
    /// Largest delay in seconds.
    public var maxDurationSeconds: Double

    /// Creates settings (Argo CD's defaults: 5 s, ×2, at most 3 min).
    public init(limit: Int = 5, durationSeconds: Double = 5, factor: Double = 2, maxDurationSeconds: Double = 180) {
        self.limit = limit
        self.durationSeconds = durationSeconds
        self.factor = factor
        self.maxDurationSeconds = maxDurationSeconds
    }
}

/// Sync options, from an application's `syncOptions` or an object's `moor.dev/sync-options` annotation.
public struct SyncOptions: Sendable, Hashable {
    /// `Prune=false`: never prune (per object).
    public var prune = true
    /// `Replace=true`: replace (PUT, create if missing) instead of server-side apply.
    public var replace = false
    /// `ServerSideApply=true|false` (Moor always uses server-side apply unless `Replace=true`; kept for compatibility).
    public var serverSideApply = true
    /// `CreateNamespace=true`: create the destination namespace.
    public var createNamespace = false
    /// `ForceConflicts=true`: take over fields owned by other managers.
    public var forceConflicts = false
    /// `Validate=false`: skip server-side field validation.
    public var validate = true
    /// `PrunePropagationPolicy=foreground|background|orphan`.
    public var prunePropagationPolicy = "background"
    /// `TransferFrom=<application>`: an object whose tracking id names that application is taken
    /// over (re-labelled in place) instead of failing as shared; empty when no transfer is allowed.
    public var transferFrom = ""

    /// Creates defaults.
    public init() {}

    /// What each option takes, for error messages.
    public static let known =
        "Prune, Replace, ServerSideApply, CreateNamespace, ForceConflicts, Validate (each =true or =false), "
        + "PrunePropagationPolicy=foreground|background|orphan, TransferFrom=<application>"

    /// Applies option strings on top of these; returns the ones it does not know, and those whose
    /// value the option does not take (`Prune=flase`). A boolean option with any value but `true`
    /// is still set off (so an object's `Prune=confirm` is never pruned), but it is returned.
    @discardableResult
    public mutating func apply(_ entries: [String]) -> [String] {
        var unknown: [String] = []
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
            guard parts.count == 2 else {
                unknown.append(entry)
                continue
            }
            let value = parts[1].lowercased()
            let flag = value == "true"
            let isBoolean = value == "true" || value == "false"
            switch parts[0] {
            case "Prune": prune = flag
            case "Replace": replace = flag
            case "ServerSideApply": serverSideApply = flag
            case "CreateNamespace": createNamespace = flag
            case "ForceConflicts": forceConflicts = flag
            case "Validate": validate = flag
            case "PrunePropagationPolicy":
                guard ["foreground", "background", "orphan"].contains(value) else {
                    unknown.append(entry)
                    continue
                }
                prunePropagationPolicy = value
                continue
            case "TransferFrom":
                transferFrom = parts[1]
                continue
            default:
                unknown.append(entry)
                continue
            }
            if !isBoolean { unknown.append(entry) }
        }
        return unknown
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var s = self
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
