internal import MoorCore
internal import Sync

extension ApplicationController {
    /// The condition type reporting desired objects that belong to other applications.
    static let sharedResourceWarning = "SharedResourceWarning"

    /// The message of a ``sharedResourceWarning`` condition for `comparison`: which of its desired
    /// objects belong to which other application (the sync fails them, ``ObjectOwnership``); `nil`
    /// when none does.
    static func sharedResourceMessage(_ comparison: ApplicationComparison) -> String? {
        let shared = comparison.sharedObjects.compactMap { object -> String? in
            guard case .shared(let other) = object.ownership else { return nil }
            return "\(object.ref) (application \(other))"
        }
        guard !shared.isEmpty else { return nil }
        let listed = shared.prefix(5).joined(separator: ", ") + (shared.count > 5 ? ", …" : "")
        return "\(shared.count) objects belong to other applications and are not synced: \(listed); remove them "
            + "from one application, or hand them over with the sync option TransferFrom=<application>"
    }

    /// The namespaces of `previous` (a recorded previous destination) that prune may still reach at
    /// `destination`: its namespace when both name the same cluster, none otherwise.
    static func previousNamespaces(_ previous: ApplicationDestination?, at destination: ApplicationDestination)
        -> Set<String>
    {
        guard let previous, previous.name == destination.name, previous.server == destination.server else { return [] }
        return [previous.namespace.isEmpty ? "default" : previous.namespace]
    }
}
