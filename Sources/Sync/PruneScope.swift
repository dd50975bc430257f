public import MoorCore

/// Where prune (and `moor delete`) may delete an application's tracked objects.
///
/// A tracked object is one whose tracking id names the application, but a name alone does not
/// make an object this application's: two applications of one name (two `moor sync` runs with
/// different destinations) track each other's objects. So deletion stays where the application
/// is known to put objects: cluster-scoped objects, the destination namespace, every namespace
/// the current render puts objects in (the objects' own namespaces and the Namespaces it
/// defines), and namespaces Moor recorded the application at before (the controller's previous
/// destination). Tracked objects elsewhere are reported and kept, never deleted.
public struct PruneScope: Sendable, Hashable {
    /// The destination namespace (`default` when the application names none).
    public var destinationNamespace: String
    /// Every namespace deletion may reach (the destination's included).
    public var namespaces: Set<String>

    /// The scope of an application with destination namespace `destination` (empty: `default`),
    /// whose render puts objects at `rendered`, and that Moor recorded in `previousNamespaces` before.
    public init(destination: String, rendered: [ObjectRef], previousNamespaces: Set<String> = []) {
        destinationNamespace = destination.isEmpty ? "default" : destination
        var namespaces = previousNamespaces.union([destinationNamespace])
        for ref in rendered {
            if !ref.namespace.isEmpty { namespaces.insert(ref.namespace) }
            if ref.group.isEmpty, ref.kind == "Namespace" { namespaces.insert(ref.name) }
        }
        self.namespaces = namespaces
    }

    /// Whether deletion may reach `ref`: cluster-scoped, or in one of ``namespaces``.
    public func contains(_ ref: ObjectRef) -> Bool {
        ref.namespace.isEmpty || namespaces.contains(ref.namespace)
    }

    /// Why `ref`, outside the scope, is kept.
    public func outsideMessage(_ ref: ObjectRef) -> String {
        "not deleted: namespace \(ref.namespace) is outside this application's destination (\(destinationNamespace)) "
            + "and the namespaces its manifests use; an application of the same name elsewhere may own it "
            + "(if not, delete it by hand)"
    }
}
