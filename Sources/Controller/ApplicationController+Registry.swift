internal import Foundation
public import KubeClient
public import MoorCore

extension ApplicationController {
    /// Makes `applications` the set of file-sourced applications: new or changed ones are queued,
    /// those no longer listed stop being managed (their objects stay). Throws ``ApplicationError``
    /// when two share a name, or a name is already taken by an Application resource.
    public func manage(_ applications: [Application]) throws(ApplicationError) {
        var seen: Set<String> = []
        for application in applications {
            guard seen.insert(application.name).inserted else {
                throw ApplicationError("two applications are named \(application.name); names must be unique")
            }
            if let existing = registry[application.name], existing.origin != .file {
                throw ApplicationError(
                    "application \(application.name) is already defined by an Application resource or ApplicationSet")
            }
        }
        for (name, managed) in registry where managed.origin == .file && !seen.contains(name) { unregister(name) }
        for application in applications { register(application, origin: .file) }
    }

    /// Starts managing the `moor.dev/v1alpha1` Application resources in `namespace` (all namespaces
    /// when `nil`): added or changed resources are (re)registered and queued, deleted ones stop
    /// being managed (their objects stay). A resource that does not parse is logged and skipped.
    /// Throws when the cluster does not serve the Application kind (install the CRD first).
    public func watchApplications(namespace: String?) async throws(KubeAPIError) {
        try await watchResources(kind: Application.kind, namespace: namespace) { await $0.receive($1, in: namespace) }
    }

    /// Watches the `moor.dev/v1alpha1` resources of `kind` in `namespace` (all namespaces when `nil`),
    /// handing every change to `receive` in order; a watch that fails for good is logged. Throws when
    /// the cluster does not serve the kind.
    func watchResources(
        kind: String, namespace: String?,
        _ receive: @escaping @Sendable (ApplicationController, ResourceChange) async -> Void
    ) async throws(KubeAPIError) {
        let resource = try await client.resource(apiVersion: Application.apiVersion, kind: kind)
        let watcher = client.watchAll(resource, namespace: namespace)
        background.append(
            Task { [weak self] in
                var iterator = watcher.makeAsyncIterator()
                do throws(KubeAPIError) {
                    while let change = try await iterator.next() {
                        guard let self else { return }
                        await receive(self, change)
                    }
                } catch {
                    guard !Task.isCancelled else { return }
                    self?.logger.error(
                        "watching \(kind) resources failed; restart the controller", metadata: ["error": "\(error)"])
                }
            })
    }

    /// Takes a change from the watch of Application resources in `namespace` (all when `nil`); a full
    /// list unregisters the resources of that namespace it no longer holds.
    private func receive(_ change: ResourceChange, in namespace: String?) {
        switch change {
        case .listed(let manifests):
            let present = Set(manifests.compactMap(ObjectRef.init(object:)).map(\.identity))
            for (name, managed) in registry {
                guard let identity = managed.resourceIdentity, namespace == nil || identity.namespace == namespace
                else { continue }
                if !present.contains(identity) { unregister(name) }
            }
            for manifest in manifests { registerResource(manifest) }
        case .event(let event) where event.kind == .deleted:
            guard let ref = ObjectRef(object: event.object)?.identity,
                let name = resourceNames[ref]
            else { return }
            unregister(name)
        case .event(let event):
            registerResource(event.object)
        }
    }

    private func registerResource(_ manifest: JSONValue) {
        guard let ref = ObjectRef(object: manifest) else { return }
        let application: Application
        do {
            application = try Application(manifest: manifest)
        } catch {
            logger.error(
                "skipping an Application resource that does not parse",
                metadata: [
                    "resource": "\(ref)", "error": "\(error)",
                ])
            if let name = resourceNames[ref.identity] { unregister(name) }
            reportInvalid(manifest, ref, "\(error); fix the spec: nothing is synced until then")
            return
        }
        if let refusal = configuration.sourceAdmission.refusal(of: application) {
            logger.error("skipping an Application resource", metadata: ["resource": "\(ref)", "error": "\(refusal)"])
            if let name = registry.first(where: { $0.value.resourceIdentity == ref.identity })?.key { unregister(name) }
            reportInvalid(manifest, ref, "\(refusal); nothing is synced until then")
            return
        }
        if let existing = registry[application.name], existing.origin != .resource(ref) {
            logger.error(
                "skipping an Application resource whose name is taken; names must be unique",
                metadata: [
                    "resource": "\(ref)", "application": "\(application.name)",
                ])
            let holder = existing.resourceIdentity.map { "the Application resource \($0)" } ?? "another source"
            reportInvalid(
                manifest, ref,
                "an application named \(application.name) is already managed from \(holder); names must be unique "
                    + "across namespaces: rename this one")
            return
        }
        register(application, origin: .resource(ref))
        adoptHistory(of: application.name, from: manifest["status"])
        adoptDestination(of: application, from: manifest["status"])
        registry[application.name]?.resourceUID = manifest[path: "metadata", "uid"]?.stringValue ?? ""
        registry[application.name]?.labels = Self.labels(of: manifest)
        let annotations = manifest[path: "metadata", "annotations"]?.objectValue?.keys ?? []
        let refresh = Self.refreshAnnotations.filter(annotations.contains)
        if !refresh.isEmpty {
            registry[application.name]?.refreshAnnotations = refresh
            enqueue(application.name)
        }
    }

    /// Writes why an Application resource is not managed to its status: an `InvalidSpecError`
    /// condition (as Argo CD names it) and sync status `Unknown`. Skipped when the status already says
    /// so (the write's own watch event comes back here) or another shard owns the resource. A failed
    /// write is logged.
    private func reportInvalid(_ manifest: JSONValue, _ ref: ObjectRef, _ message: String) {
        guard shard.owns(ShardAssignment.key(namespace: ref.namespace, name: ref.name)) else { return }
        let reported = manifest[path: "status", "conditions"]?.arrayValue ?? []
        guard
            reported.count != 1 || reported.first?["type"] != .string(ApplicationStatus.invalidSpecError)
                || reported.first?["message"] != .string(message)
        else { return }
        let condition: JSONValue = [
            "type": .string(ApplicationStatus.invalidSpecError), "message": .string(message),
            "lastTransitionTime": .string(ApplicationStatus.timestamp(clock.date)),
        ]
        let patch: JSONValue = [
            "status": ["sync": ["status": .string(SyncStatus.unknown.rawValue)], "conditions": [condition]]
        ]
        let (client, logger) = (client, logger)
        Task {
            do {
                _ = try await client.mergePatch(ref, patch: patch, subresource: "status")
            } catch {
                logger.error("writing status failed", metadata: ["resource": "\(ref)", "error": "\(error)"])
            }
        }
    }

    /// Takes the history, with the operation and rollback note that go with its newest entry, from an
    /// Application resource's `status` when it holds a newer entry than the controller's: after a
    /// restart, or a sync or rollback by `moor app`. A rollback note is taken only while automated
    /// sync is still off.
    private func adoptHistory(of name: String, from status: JSONValue?) {
        let history = ApplicationStatus.history(from: status?["history"])
        guard let managed = registry[name], let newest = history.first?.id,
            newest > managed.status.history.first?.id ?? 0
        else { return }
        registry[name]?.status.history = history
        registry[name]?.status.operationState = ApplicationStatus.operationState(from: status?["operationState"])
        registry[name]?.status.rollback =
            managed.application.spec.syncPolicy.automated == nil
            ? ApplicationStatus.rollback(from: status?["rollback"]) : nil
    }

    /// Takes the destination an Application resource's `status` says its objects were synced to, when
    /// this controller has not synced it yet and the spec names another: the destination changed while
    /// no controller ran, so the next reconcile prunes or reports what is left there.
    private func adoptDestination(of application: Application, from status: JSONValue?) {
        guard let managed = registry[application.name], managed.memory.lastSynced == nil,
            managed.previousDestination == nil,
            let synced = ApplicationStatus.syncedDestination(from: status), synced != application.spec.destination
        else { return }
        registry[application.name]?.previousDestination = synced
    }

    /// Annotations on an Application resource that ask for a reconcile at once (any value).
    static let refreshAnnotations = ["moor.dev/refresh", "argocd.argoproj.io/refresh"]

    /// Removes the refresh annotations that queued the reconcile of `name` just finished. A failure
    /// is logged; the annotation then triggers one more reconcile.
    func clearRefreshRequest(_ name: String) async {
        guard let managed = registry[name], case .resource(let ref) = managed.origin,
            !managed.refreshAnnotations.isEmpty, owns(name)
        else { return }
        registry[name]?.refreshAnnotations = []
        let removed = JSONValue.object(JSONObject(managed.refreshAnnotations.map { ($0, JSONValue.null) }))
        do {
            _ = try await client.mergePatch(ref, patch: ["metadata": ["annotations": removed]])
        } catch {
            logger.warning(
                "removing the refresh annotation failed", metadata: ["application": "\(name)", "error": "\(error)"])
        }
    }

    /// Registers or updates one application and queues it when it is new or its spec changed. One
    /// from the cluster or Git (any origin but ``Origin/file``) whose sources ``SourceAdmission``
    /// refuses is not managed (and stops being managed), with the refusal logged.
    func register(_ application: Application, origin: Origin) {
        let name = application.name
        if origin != .file, let refusal = configuration.sourceAdmission.refusal(of: application) {
            logger.error("not managing application", metadata: ["application": "\(name)", "error": "\(refusal)"])
            unregister(name)
            return
        }
        if var managed = registry[name] {
            guard managed.application != application else { return }
            if application.spec.syncPolicy.automated != nil { managed.status.rollback = nil }
            managed.application = application
            registry[name] = managed
            logger.info("application changed", metadata: ["application": "\(name)"])
        } else {
            registry[name] = Boxed(Managed(application: application, origin: origin))
            startPolling(name)
            if case .resource(let ref) = origin { resourceNames[ref.identity] = name }
            logger.info("managing application", metadata: ["application": "\(name)"])
        }
        enqueue(name)
    }

    /// Stops managing `name`; its objects stay.
    func unregister(_ name: String) {
        guard let managed = registry.removeValue(forKey: name) else { return }
        if let identity = managed.resourceIdentity { resourceNames[identity] = nil }
        polls.remove(name)
        forget(name)
        logger.info("no longer managing application; its objects stay", metadata: ["application": "\(name)"])
    }
}

extension ApplicationController.Managed {
    /// The identity (ref without version) of the Application resource it came from, if any.
    var resourceIdentity: ObjectRef? {
        guard case .resource(let ref) = origin else { return nil }
        return ref.identity
    }
}
