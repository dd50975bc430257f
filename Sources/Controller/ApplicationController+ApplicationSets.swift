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
        guard applicationSets[set.name] == nil else {
            throw ApplicationError("two ApplicationSets are named \(set.name); names must be unique")
        }
        startSet(set, resource: nil)
    }

    /// The names of the applications `set` currently generates, sorted.
    public func applications(of set: String) -> [String] {
        applications(of: .applicationSet(set))
    }

    /// Starts (or restarts, replacing the running loop) the generation loop of `set`.
    func startSet(_ set: ApplicationSet, resource: ObjectRef?) {
        let previous = applicationSets[set.name]
        previous?.loop.cancel()
        let interval = configuration.pollInterval
        let clock = clock
        let loop = Task { [weak self] in
            while true {
                guard let outcome = await self?.regenerate(set) else { return }
                await self?.report(outcome, of: set.name)
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
        background.append(loop)
        applicationSets[set.name] = ManagedSet(set: set, loop: loop, resource: resource, written: previous?.written)
    }

    /// Generates `set` once and makes its applications the generated ones; returns what happened.
    private func regenerate(_ set: ApplicationSet) async -> SetOutcome {
        let generated: [Application]
        do {
            let directories = try await set.directories(cache: fetcher.cache, credentials: configuration.credentials)
            generated = try set.applications(directories: directories)
        } catch {
            logger.error(
                "generating an ApplicationSet failed; its applications stay as they were",
                metadata: ["applicationSet": "\(set.name)", "error": "\(error)"])
            return .failed("generating failed; the applications stay as they were: \(error)")
        }
        if let problem = await replaceApplications(
            of: .applicationSet(set.name), with: generated, what: "ApplicationSet \(set.name)",
            deletingObjects: { _ in !set.preserveResourcesOnDeletion })
        {
            return .failed(problem)
        }
        return .generated(generated.count)
    }

    /// Makes `applications` the ones registered from `origin` (`what` names it in logs): new ones are
    /// managed, changed ones updated, and those no longer there stop being managed, their objects
    /// deleted when `deletingObjects` says so for the application. An application whose name another
    /// origin uses is skipped and logged. Empty `applications` while `origin` has some changes
    /// nothing, is logged and returned as the problem (an empty render prunes nothing). Nothing
    /// happens once stopped.
    @discardableResult
    func replaceApplications(
        of origin: Origin, with applications: [Application], what: String,
        deletingObjects: (Application) -> Bool
    ) async -> String? {
        guard accepting else { return nil }
        let current = self.applications(of: origin)
        guard !applications.isEmpty || current.isEmpty else {
            logger.error(
                "\(what) yields no applications; its applications stay as they were",
                metadata: ["applications": "\(current.joined(separator: ", "))"])
            return "no applications generated while \(current.count) exist; they stay as they were (an empty "
                + "generation removes nothing)"
        }
        for application in applications {
            if let existing = registry[application.name], existing.origin != origin {
                logger.error(
                    "skipping an application whose name is taken; names must be unique",
                    metadata: ["from": "\(what)", "application": "\(application.name)"])
                continue
            }
            register(application, origin: origin)
        }
        let names = Set(applications.map(\.name))
        for name in current where !names.contains(name) {
            guard let application = registry[name]?.application else { continue }
            await remove(name, deletingObjects: deletingObjects(application))
        }
        return nil
    }

    /// The names of the applications registered from `origin`, sorted.
    func applications(of origin: Origin) -> [String] {
        registry.filter { $0.value.origin == origin }.keys.sorted()
    }

    /// Stops managing `name` and, when `deletingObjects` and it is this replica's (``assign(_:)``),
    /// deletes every live object whose tracking id names it (after a reconcile in flight finished).
    /// A failed deletion is logged, not retried.
    func remove(_ name: String, deletingObjects: Bool) async {
        guard let application = registry[name]?.application else { return }
        // With several replicas, the one whose shard holds the application deletes its objects.
        let owned = owns(name)
        unregister(name)
        guard deletingObjects, owned else { return }
        await running[name]?.value
        do {
            let client = try await clusters.resolve(application.spec.destination).engine.client
            let tracked = try await TrackedObjects.list(client: client, application: name)
            try await Self.delete(tracked.compactMap(ObjectRef.init(object:)), of: application, client: client)
            logger.info(
                "deleted the objects of an application no longer defined",
                metadata: ["application": "\(name)", "objects": "\(tracked.count)"])
        } catch {
            logger.error(
                "deleting the objects of a removed application failed; delete them by hand",
                metadata: ["application": "\(name)", "error": "\(error)"])
        }
    }
}
