import Controller
import MoorCore
import Synchronization

/// The serialized AppSummary of each application, kept while its snapshot stays the same, so a list
/// or an event costs a comparison per application instead of building and encoding its JSON (the
/// timestamps' formatting dominates that) on every request.
final class APISummaryCache: Sendable {
    private struct Entry {
        var snapshot: ApplicationController.Snapshot
        var bytes: [UInt8]
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The JSON bytes of `snapshot`'s AppSummary.
    func bytes(of snapshot: ApplicationController.Snapshot) -> [UInt8] {
        let name = snapshot.application.name
        if let entry = entries.withLock({ $0[name] }), entry.snapshot == snapshot { return entry.bytes }
        let bytes = APIRepresentation.summary(snapshot).jsonBytes()
        entries.withLock { $0[name] = Entry(snapshot: snapshot, bytes: bytes) }
        return bytes
    }

    /// Forgets the applications not in `names` (they are no longer registered).
    func retain(only names: Set<String>) {
        entries.withLock { entries in
            guard entries.count > names.count else { return }
            entries = entries.filter { names.contains($0.key) }
        }
    }
}
