internal import MoorCore

/// How Moor marks the objects it manages (written by the Sync module's `TrackingID`; read here):
/// the label `app.kubernetes.io/managed-by: moor` and the annotation
/// `moor.dev/tracking-id: <app>:<group>/<kind>:<namespace>/<name>`.
enum ManagedObjects {
    /// Selects every object Moor manages.
    static let labelSelector = "app.kubernetes.io/managed-by=moor"
    /// The annotation naming the application an object belongs to.
    static let trackingAnnotation = "moor.dev/tracking-id"

    /// The application `object`'s tracking annotation names, when the annotation is well formed
    /// and describes `ref` itself; `nil` otherwise (no annotation, or one copied from another
    /// object, which belongs to no application — as for pruning).
    static func application(of object: JSONValue, ref: ObjectRef) -> String? {
        guard let text = object[path: "metadata", "annotations", trackingAnnotation]?.stringValue else { return nil }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1] == "\(ref.group)/\(ref.kind)",
            parts[2] == "\(ref.namespace)/\(ref.name)"
        else { return nil }
        return String(parts[0])
    }
}
