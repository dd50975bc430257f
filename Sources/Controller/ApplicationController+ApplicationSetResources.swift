internal import Foundation
public import KubeClient
internal import MoorCore

extension ApplicationController {
    /// One ApplicationSet the controller generates applications from.
    struct ManagedSet {
        var set: ApplicationSet
        /// The generation loop (regenerates every poll interval until cancelled).
        var loop: Task<Void, Never>
        /// The ApplicationSet resource it came from; `nil` for one from a file.
        var resource: ObjectRef?
        /// The status last written to the resource, without its time stamp.
        var written: JSONValue?
    }

    /// What one generation of an ApplicationSet came to.
    enum SetOutcome: Sendable, Hashable {
        /// This many applications were generated and are managed.
        case generated(Int)
        /// Nothing changed, for this reason.
        case failed(String)
    }

    /// Starts managing the `moor.dev/v1alpha1` ApplicationSet resources in `namespace` (all namespaces
    /// when `nil`) as ``manageSet(_:)`` manages one from a file: a new or changed resource (re)starts
    /// its generation; a deleted one stops, and its applications stop being managed, their objects
    /// deleted unless `preserveResourcesOnDeletion`. After each generation the resource's `status`
    /// lists the applications it manages (`applications`) and one condition: `ResourcesUpToDate`, or
    /// `ErrorOccurred` with what is wrong (a spec that does not parse, a Git failure, a name taken),
    /// written only when it changed. Throws when the cluster does not serve the ApplicationSet kind
    /// (install its CRD with `moor install`).
    public func watchApplicationSets(namespace: String?) async throws(KubeAPIError) {
        try await watchResources(kind: ApplicationSet.kind, namespace: namespace) { await $0.receiveSet($1) }
    }

    private func receiveSet(_ change: ResourceChange) async {
        switch change {
        case .listed(let manifests):
            let present = Set(manifests.compactMap(ObjectRef.init(object:)).map(\.identity))
            for (name, managed) in applicationSets {
                if let ref = managed.resource, !present.contains(ref.identity) { await removeSet(name) }
            }
            for manifest in manifests { await upsertSet(manifest) }
        case .event(let event) where event.kind == .deleted:
            guard let ref = ObjectRef(object: event.object)?.identity,
                let name = applicationSets.first(where: { $0.value.resource?.identity == ref })?.key
            else { return }
            await removeSet(name)
        case .event(let event):
            await upsertSet(event.object)
        }
    }

    /// Starts or restarts the set an ApplicationSet resource holds; one that does not parse, or whose
    /// name another set has, only gets an `ErrorOccurred` condition (a running set stays as it was).
    private func upsertSet(_ manifest: JSONValue) async {
        guard let ref = ObjectRef(object: manifest) else { return }
        let set: ApplicationSet
        do {
            set = try ApplicationSet(manifest: manifest)
        } catch {
            logger.error(
                "an ApplicationSet resource does not parse", metadata: ["resource": "\(ref)", "error": "\(error)"])
            await writeSetStatus(to: ref, names: [], outcome: .failed("\(error)"), previous: nil)
            return
        }
        if let existing = applicationSets[set.name] {
            guard existing.resource?.identity == ref.identity else {
                let problem = "another ApplicationSet is named \(set.name); names must be unique"
                await writeSetStatus(to: ref, names: [], outcome: .failed(problem), previous: nil)
                return
            }
            guard existing.set != set else { return }
        }
        logger.info("managing ApplicationSet resource", metadata: ["resource": "\(ref)"])
        startSet(set, resource: ref)
    }

    /// Stops generating `name` and removes its applications, deleting their objects unless the set
    /// preserves them.
    private func removeSet(_ name: String) async {
        guard let managed = applicationSets.removeValue(forKey: name) else { return }
        managed.loop.cancel()
        logger.info("ApplicationSet deleted; removing its applications", metadata: ["applicationSet": "\(name)"])
        for application in applications(of: name) {
            await remove(application, deletingObjects: !managed.set.preserveResourcesOnDeletion)
        }
    }

    /// Writes the outcome of a generation of `name` to its resource, if it has one.
    func report(_ outcome: SetOutcome, of name: String) async {
        guard accepting, let managed = applicationSets[name], let ref = managed.resource else { return }
        let written = await writeSetStatus(
            to: ref, names: applications(of: name), outcome: outcome, previous: managed.written)
        if let written, applicationSets[name]?.resource == ref { applicationSets[name]?.written = written }
    }

    /// Writes `status` (`applications`, one condition) to the ApplicationSet resource `ref` unless it
    /// equals `previous`, or another replica's shard holds the resource (its `namespace/name`);
    /// returns what was written, `nil` when nothing was (a failed write is logged).
    @discardableResult
    private func writeSetStatus(to ref: ObjectRef, names: [String], outcome: SetOutcome, previous: JSONValue?) async
        -> JSONValue?
    {
        guard shard.owns(ShardAssignment.key(namespace: ref.namespace, name: ref.name)) else { return nil }
        let condition: JSONValue
        switch outcome {
        case .generated(let count):
            condition = [
                "type": "ResourcesUpToDate", "status": "True", "message": .string("\(count) applications generated"),
            ]
        case .failed(let message):
            condition = ["type": "ErrorOccurred", "status": "True", "message": .string(message)]
        }
        let status: JSONValue = ["applications": .array(names.map(JSONValue.string)), "conditions": [condition]]
        guard status != previous else { return nil }
        var stamped = condition
        stamped["lastTransitionTime"] = .string(ApplicationStatus.timestamp(clock.date))
        do {
            _ = try await client.mergePatch(
                ref, patch: ["status": ["applications": status["applications"] ?? [], "conditions": [stamped]]],
                subresource: "status")
            return status
        } catch {
            logger.error("writing ApplicationSet status failed", metadata: ["resource": "\(ref)", "error": "\(error)"])
            return nil
        }
    }
}
