internal import KubeClient
internal import MoorCore

/// A resource type without its version: the cache keeps one informer and one set of objects per
/// group and kind, whichever API version it is read through.
struct GroupKind: Sendable, Hashable {
    /// API group; empty for the core group.
    var group: String
    /// Kind, e.g. `Deployment`.
    var kind: String

    /// The type `resource` serves.
    init(_ resource: APIResource) {
        group = resource.group
        kind = resource.kind
    }

    /// The type of the object `ref` names.
    init(_ ref: ObjectRef) {
        group = ref.group
        kind = ref.kind
    }
}
