public import MoorCore

/// Whether an application may write a desired object, judged from the live object's tracking id.
///
/// An object belongs to the application its tracking id names (when the id describes the object
/// itself, see ``TrackingID/application(of:)``). Writing an object that belongs to another
/// application would re-label it, and the two applications would take it from each other at every
/// sync, so it fails instead, unless the object's `TransferFrom=<that application>` sync option
/// hands it over explicitly.
public enum ObjectOwnership: Sendable, Hashable {
    /// Missing, untracked, or tracked by this application: write it.
    case own
    /// Tracked by the named application, which `TransferFrom` names: write it, re-labelling it in place.
    case transfer(from: String)
    /// Tracked by the named other application and no transfer allowed: fail the object.
    case shared(with: String)

    /// The ownership of `live` (`nil` when the object does not exist) for `application`, whose
    /// options for the object allow a transfer from `transferFrom` (empty: from none).
    public init(application: String, live: JSONValue?, transferFrom: String) {
        guard let live, let owner = TrackingID.application(of: live), owner != application else {
            self = .own
            return
        }
        self = owner == transferFrom ? .transfer(from: owner) : .shared(with: owner)
    }

    /// What a report says about the object; empty for ``own``.
    public var message: String {
        switch self {
        case .own:
            ""
        case .transfer(let previous):
            "taken over from application \(previous) (TransferFrom=\(previous))"
        case .shared(let other):
            "belongs to application \(other) (its tracking id names it); not changed. Remove it from one of "
                + "the two applications, or move it with the sync option TransferFrom=\(other)"
        }
    }
}
