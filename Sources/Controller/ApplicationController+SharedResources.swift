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
}
