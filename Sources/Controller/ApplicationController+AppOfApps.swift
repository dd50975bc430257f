internal import Foundation
public import MoorCore

extension ApplicationController {
    /// Starts managing the Application manifests found at `source` (app of apps): now and every
    /// ``Configuration/pollInterval`` the source is fetched and rendered again (a new commit is seen),
    /// each `Application` object becomes a managed application (other kinds are ignored), and
    /// those no longer in Git stop being managed; the objects of one removed from Git are deleted
    /// when its `syncPolicy.automated.prune` is set (every object whose tracking id names it), and
    /// stay otherwise.
    ///
    /// A fetch or render that fails, or a manifest that does not parse, changes nothing and is logged;
    /// so does a render with no applications while some are managed from `source` (an empty render
    /// prunes nothing). An application whose name another source already uses is skipped and logged.
    /// Throws ``ApplicationError`` when `source` is already managed.
    public func manageApplications(from source: ApplicationSource) throws(ApplicationError) {
        let origin = Origin.git(Self.describe(source))
        guard gitSources.insert(origin).inserted else {
            throw ApplicationError("the applications of \(Self.describe(source)) are already managed")
        }
        let interval = configuration.pollInterval
        let clock = clock
        background.append(
            Task { [weak self] in
                while true {
                    guard await self?.reread(source, origin: origin) != nil else { return }
                    do { try await clock.sleep(for: interval) } catch { return }
                }
            })
    }

    /// The names of the applications currently read from `source`, sorted.
    public func applications(from source: ApplicationSource) -> [String] {
        applications(of: .git(Self.describe(source)))
    }

    private func reread(_ source: ApplicationSource, origin: Origin) async {
        let read: [Application]
        do {
            let fetched = try await fetcher.fetch(
                source, credentials: configuration.credentials, verifyKeyring: configuration.verifyKeyring)
            read = try fetched.objects.filter { $0.object["kind"]?.stringValue == Application.kind }.map {
                object throws(ApplicationError) in
                do {
                    return try Application(manifest: object.object)
                } catch {
                    throw ApplicationError("\(object.source): \(error)")
                }
            }
        } catch {
            logger.error(
                "reading applications from Git failed; they stay as they were",
                metadata: ["source": "\(Self.describe(source))", "error": "\(error)"])
            return
        }
        await replaceApplications(
            of: origin, with: read, what: "Git \(Self.describe(source))",
            deletingObjects: { $0.spec.syncPolicy.automated?.prune ?? false })
    }

    /// `URL path@revision`, as logs and errors name a source.
    static func describe(_ source: ApplicationSource) -> String {
        "\(source.repoURL) \(source.path)@\(source.targetRevision)"
    }
}
