internal import Foundation
internal import KubeClient
public import MoorCore
internal import Sync

extension ApplicationController {
    /// Starts managing the applications `set` generates: now and every ``Configuration/pollInterval``
    /// the set is generated again (Git-directories generators resolve their revision, so a new commit
    /// is seen); new applications are managed, changed ones updated, and those no longer generated stop
    /// being managed and, unless `preserveResourcesOnDeletion`, have their objects deleted — every
    /// object whose tracking id names the application, whatever the prune cap.
    ///
    /// A generation that fails (Git unreachable, a bad template) changes nothing and is logged; so does
    /// one that yields no applications while the set manages some, as an empty render prunes nothing.
    /// A generated application whose name another source already uses is skipped and logged.
    /// Throws ``ApplicationError`` when a set of that name is already managed.
    public func manageSet(_ set: ApplicationSet) throws(ApplicationError) {
        guard applicationSets.insert(set.name).inserted else {
            throw ApplicationError("two ApplicationSets are named \(set.name); names must be unique")
        }
        let interval = configuration.pollInterval
        background.append(
            Task { [weak self] in
                while true {
                    guard await self?.regenerate(set) != nil else { return }
                    do { try await Task.sleep(for: interval) } catch { return }
                }
            })
    }

    /// The names of the applications `set` currently generates, sorted.
    public func applications(of set: String) -> [String] {
        registry.filter { $0.value.origin == .applicationSet(set) }.keys.sorted()
    }

    private func regenerate(_ set: ApplicationSet) async {
        let generated: [Application]
        do {
            let directories = try await set.directories(cache: fetcher.cache, credentials: configuration.credentials)
            generated = try set.applications(directories: directories)
        } catch {
            logger.error(
                "generating an ApplicationSet failed; its applications stay as they were",
                metadata: ["applicationSet": "\(set.name)", "error": "\(error)"])
            return
        }
        guard accepting else { return }
        let current = applications(of: set.name)
        guard !generated.isEmpty || current.isEmpty else {
            logger.error(
                "an ApplicationSet generated no applications; its applications stay as they were",
                metadata: ["applicationSet": "\(set.name)", "applications": "\(current.joined(separator: ", "))"])
            return
        }
        let origin = Origin.applicationSet(set.name)
        for application in generated {
            if let existing = registry[application.name], existing.origin != origin {
                logger.error(
                    "skipping a generated application whose name is taken; names must be unique",
                    metadata: ["applicationSet": "\(set.name)", "application": "\(application.name)"])
                continue
            }
            register(application, origin: origin)
        }
        let names = Set(generated.map(\.name))
        for name in current where !names.contains(name) {
            await remove(name, deletingObjects: !set.preserveResourcesOnDeletion)
        }
    }

    /// Stops managing `name` and, when `deletingObjects`, deletes every live object whose tracking id
    /// names it (after a reconcile in flight finished). A failed deletion is logged, not retried.
    private func remove(_ name: String, deletingObjects: Bool) async {
        guard let application = registry[name]?.application else { return }
        unregister(name)
        guard deletingObjects else { return }
        await running[name]?.value
        let propagation =
            KubeClient.PropagationPolicy(
                rawValue: application.spec.syncPolicy.syncOptions.prunePropagationPolicy.capitalized) ?? .background
        do {
            let client = try await clusters.resolve(application.spec.destination).engine.client
            let tracked = try await TrackedObjects.list(client: client, application: name)
            for ref in tracked.compactMap(ObjectRef.init(object:)) {
                try await client.delete(ref, propagation: propagation)
            }
            logger.info(
                "deleted the objects of an application its ApplicationSet no longer generates",
                metadata: ["application": "\(name)", "objects": "\(tracked.count)"])
        } catch {
            logger.error(
                "deleting the objects of a removed application failed; delete them by hand",
                metadata: ["application": "\(name)", "error": "\(error)"])
        }
    }
}
