public import MoorCore

/// Decides what a sync does: pure, values in and a ``SyncPlan`` out.
///
/// Safety rules enforced here: an empty render never prunes (it is refused when the application
/// still tracks objects); only live objects whose tracking id names this application are prune
/// candidates, and only inside the ``PruneScope`` (the rest are kept and reported); pruning more
/// than `maxPruneShare` of the tracked objects in scope needs `allowMassPrune` (without it the
/// prune is refused, ``SyncPlan/refusedPrune``, and everything else still applies);
/// `Prune=false` objects are kept; with an ``admission``, a plan holding an object it refuses (to
/// apply, create as a namespace, run as a hook or prune) is refused whole, before anything is written.
public struct SyncPlanner: Sendable {
    /// Whether a group/kind is namespaced, from discovery; `nil` for kinds the cluster does not serve.
    public typealias ScopeLookup = @Sendable (_ group: String, _ kind: String) -> Bool?

    /// The application being synced.
    public var application: Application
    /// Scope lookup from discovery.
    public var isNamespaced: ScopeLookup
    /// Namespaces Moor recorded the application at before (the controller's previous destination,
    /// on the same cluster): prune may reach them too (``PruneScope``).
    public var previousNamespaces: Set<String> = []
    /// What the application's project allows; `nil` admits every object.
    public var admission: ObjectAdmission?

    /// Creates a planner.
    public init(application: Application, isNamespaced: @escaping ScopeLookup) {
        self.application = application
        self.isNamespaced = isNamespaced
    }

    /// The plan for `desired` given the application's tracked live objects.
    ///
    /// - Parameters:
    ///   - prune: whether extraneous objects are deleted (CLI `--prune` or `syncPolicy.automated.prune`).
    ///   - allowMassPrune: override of the prune cap (without it, a prune over the cap is refused in
    ///     ``SyncPlan/refusedPrune``, not thrown).
    public func plan(desired: [ManifestObject], tracked: [JSONValue], prune: Bool, allowMassPrune: Bool = false)
        throws(SyncPlanError) -> SyncPlan
    {
        let appName = application.name
        // Hooks are not application objects: a finished one is never extraneous, pruned or counted.
        let tracked = tracked.filter { object in
            guard let id = TrackingID(object: object), id.application == appName, id.matches(object) else {
                return false
            }
            return (try? SyncAnnotations(object: object))?.isHook != true
        }
        let trackedRefs = tracked.compactMap { ObjectRef(object: $0)?.identity }
        if desired.isEmpty, !trackedRefs.isEmpty {
            throw SyncPlanError(
                code: .emptyRender,
                message: "the render produced no objects but \(appName) tracks \(trackedRefs.count); nothing is "
                    + "applied or pruned. Check the source path and revision; delete the application to remove its objects"
            )
        }
        let crdScopes = customResourceScopes(desired)
        var planned: [PlannedObject] = []
        var warnings: [String] = []
        var seen: [ObjectRef: SourceLocation] = [:]
        for manifest in desired {
            let annotations: SyncAnnotations
            do {
                annotations = try SyncAnnotations(object: manifest.object)
            } catch {
                let name = manifest.ref.map { "\($0): " } ?? ""
                throw SyncPlanError(code: .badAnnotation, message: "\(manifest.source): \(name)\(error.message)")
            }
            guard var ref = manifest.ref ?? (annotations.isHook ? Self.generatedHookRef(manifest.object) : nil)
            else { continue }
            // Skipped objects and hooks a sync never runs (Helm's tests, delete hooks) are not planned.
            if annotations.isSkipped || (annotations.isHook && annotations.hooks.isEmpty) { continue }
            guard let namespaced = isNamespaced(ref.group, ref.kind) ?? crdScopes["\(ref.group)/\(ref.kind)"] else {
                throw SyncPlanError(
                    code: .unknownKind,
                    message: "\(manifest.source): the cluster does not serve \(ref.kind) in \(ref.apiVersion) and no "
                        + "CustomResourceDefinition in the application defines it")
            }
            var object = manifest.object
            let destination = application.spec.destination.namespace
            if namespaced {
                if ref.namespace.isEmpty {
                    ref.namespace = destination.isEmpty ? "default" : destination
                    object[path: "metadata", "namespace"] = .string(ref.namespace)
                } else if !destination.isEmpty, ref.namespace != destination {
                    warnings.append(
                        "\(manifest.source): \(ref) is written to namespace \(ref.namespace), not the destination "
                            + "namespace \(destination)")
                }
            } else if !ref.namespace.isEmpty {
                warnings.append(
                    "\(manifest.source): \(ref.kind) \(ref.name) is cluster-scoped; its metadata.namespace "
                        + "\(ref.namespace) is ignored")
                ref.namespace = ""
                object[path: "metadata", "namespace"] = nil
            }
            if let earlier = seen[ref.identity] {
                throw SyncPlanError(
                    code: .duplicateObject,
                    message: "\(manifest.source) and \(earlier) both define \(ref); remove one of them")
            }
            seen[ref.identity] = manifest.source
            var options = application.spec.syncPolicy.syncOptions
            options.apply(annotations.options)
            planned.append(
                PlannedObject(
                    ref: ref,
                    object: TrackingID(application: appName, ref: ref).stamp(ServerSideApplyDefaults.fill(object)),
                    source: manifest.source, annotations: annotations, options: options))
        }
        planned.sort(by: Self.applyOrder)

        let isBootstrap = { (object: PlannedObject) in
            !object.annotations.isHook
                && (object.ref.kind == "Namespace" || object.ref.kind == "CustomResourceDefinition")
        }
        let hooks = { (phase: HookPhase) in
            planned.filter { $0.annotations.hooks.contains(phase) }.sorted {
                $0.annotations.wave != $1.annotations.wave
                    ? $0.annotations.wave < $1.annotations.wave : Self.applyOrder($0, $1)
            }
        }
        let waveObjects = planned.filter {
            !isBootstrap($0) && (!$0.annotations.isHook || $0.annotations.hooks.contains(.sync))
        }
        let waves = Dictionary(grouping: waveObjects, by: \.annotations.wave).sorted { $0.key < $1.key }.map {
            SyncWave(number: $0.key, batches: Self.batches($0.value))
        }

        let desiredRefs = Set(planned.filter { !$0.annotations.isHook }.map(\.ref.identity))
        let scope = PruneScope(
            destination: application.spec.destination.namespace, rendered: planned.map(\.ref),
            previousNamespaces: previousNamespaces)
        let extraneous = tracked.filter { object in
            guard let ref = ObjectRef(object: object) else { return false }
            return !desiredRefs.contains(ref.identity)
        }
        var (pruneRefs, keep) = removal(of: extraneous, scope: scope, prune: prune)
        let inScope = trackedRefs.filter(scope.contains).count
        let share = inScope == 0 ? 0 : Double(pruneRefs.count) / Double(inScope)
        var refusedPrune: SyncPlanError?
        if share > application.spec.syncPolicy.maxPruneShare && !allowMassPrune {
            let refusal = SyncPlanError(
                code: .pruneCapExceeded,
                message: "prune refused: pruning \(pruneRefs.count) of \(inScope) objects of \(appName) exceeds the "
                    + "allowed share (\(Int(application.spec.syncPolicy.maxPruneShare * 100))%); nothing was pruned. "
                    + "If this is intended, sync again with --allow-mass-prune (or raise syncPolicy.maxPruneShare)")
            keep += pruneRefs.map {
                KeptObject(ref: $0, reason: .pruneRefused, message: "prune refused (see the sync's message)")
            }
            pruneRefs = []
            refusedPrune = refusal
        }

        var namespaceToCreate: JSONValue?
        let destination = application.spec.destination.namespace
        if application.spec.syncPolicy.syncOptions.createNamespace, !destination.isEmpty,
            !planned.contains(where: { $0.ref.kind == "Namespace" && $0.ref.name == destination })
        {
            namespaceToCreate = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(destination)]]
        }
        if let admission {
            try Self.admit(
                planned: planned, created: namespaceToCreate.flatMap(ObjectRef.init(object:)), pruned: pruneRefs,
                application: appName, by: admission)
        }
        return SyncPlan(
            application: appName, namespaceToCreate: namespaceToCreate, bootstrap: planned.filter(isBootstrap),
            preSyncHooks: hooks(.preSync), waves: waves, postSyncHooks: hooks(.postSync),
            syncFailHooks: hooks(.syncFail), prune: pruneRefs,
            prunePropagation: Self.propagation(application.spec.syncPolicy.syncOptions.prunePropagationPolicy),
            keep: keep.sorted { $0.ref < $1.ref }, pruneScope: scope, refusedPrune: refusedPrune, warnings: warnings)
    }

    /// Refuses the plan when `admission` refuses any of its objects: every refusal is listed, each
    /// planned object's with its file and line.
    private static func admit(
        planned: [PlannedObject], created: ObjectRef?, pruned: [ObjectRef], application: String,
        by admission: ObjectAdmission
    ) throws(SyncPlanError) {
        var refusals = planned.compactMap { object in
            admission.refusal(object.ref, !object.ref.namespace.isEmpty).map { "\(object.source): \($0)" }
        }
        refusals += ([created].compactMap { $0 } + pruned).compactMap { ref in
            admission.refusal(ref, !ref.namespace.isEmpty)
        }
        guard !refusals.isEmpty else { return }
        throw SyncPlanError(
            code: .notPermitted,
            message:
                "\(application)'s project does not allow \(refusals.count == 1 ? "an object" : "\(refusals.count) objects") "
                + "of this sync, so nothing was written: " + refusals.joined(separator: "; "))
    }

    private static func propagation(_ name: String) -> KubePropagation {
        switch name {
        case "foreground": .foreground
        case "orphan": .orphan
        default: .background
        }
    }

    /// The ref of a hook written with `metadata.generateName` and no name: its name is the
    /// `generateName`, standing for every object the hook's runs create.
    private static func generatedHookRef(_ object: JSONValue) -> ObjectRef? {
        guard let generateName = object[path: "metadata", "generateName"]?.stringValue, !generateName.isEmpty else {
            return nil
        }
        var named = object
        named[path: "metadata", "name"] = .string(generateName)
        return ObjectRef(object: named)
    }

    /// Scopes of kinds defined by CRDs in the render (`group/Kind` → namespaced).
    private func customResourceScopes(_ desired: [ManifestObject]) -> [String: Bool] {
        var scopes: [String: Bool] = [:]
        for manifest in desired where manifest.object["kind"]?.stringValue == "CustomResourceDefinition" {
            guard let group = manifest.object[path: "spec", "group"]?.stringValue,
                let kind = manifest.object[path: "spec", "names", "kind"]?.stringValue
            else { continue }
            scopes["\(group)/\(kind)"] = manifest.object[path: "spec", "scope"]?.stringValue != "Cluster"
        }
        return scopes
    }

    /// Kind rank, then namespace and name: the order objects are applied in.
    static func rankOrder(_ a: ObjectRef, _ b: ObjectRef) -> Bool {
        let (ra, rb) = (KindOrder.rank(of: a.kind), KindOrder.rank(of: b.kind))
        if ra != rb { return ra < rb }
        return a < b
    }

    private static func applyOrder(_ a: PlannedObject, _ b: PlannedObject) -> Bool {
        rankOrder(a.ref, b.ref)
    }

    private static func batches(_ objects: [PlannedObject]) -> [[PlannedObject]] {
        var result: [[PlannedObject]] = []
        for object in objects {
            if let last = result.last?.last, KindOrder.rank(of: last.ref.kind) == KindOrder.rank(of: object.ref.kind) {
                result[result.count - 1].append(object)
            } else {
                result.append([object])
            }
        }
        return result
    }
}
