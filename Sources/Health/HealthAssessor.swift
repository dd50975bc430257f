public import MoorCore

/// Health checks a user configured, consulted before the built-in rules (``HealthAssessor``): Lua scripts
/// in Moor (`HealthScript`), a fixed table in tests.
public protocol CustomHealthChecks: Sendable {
    /// The health a custom check gives `live`, with ``ObjectHealth/decidedBy`` naming the check; `nil` when
    /// no check applies to the object's group and kind (the built-in rules then decide).
    func assess(_ live: JSONValue) -> ObjectHealth?
}

/// The one place health is assessed: the user's custom checks first, then Moor's built-in rules.
///
/// A value passed down to whatever judges health (a sync's waves and hooks, the controller's status, the
/// CLI, the server's tree), so every path gives the same answer for the same object and configuration.
public struct HealthAssessor: Sendable {
    /// The built-in rules alone.
    public static let builtIn = HealthAssessor()

    /// The custom checks; `nil` for none.
    private let custom: (any CustomHealthChecks)?

    /// An assessor that consults `custom` before the built-in rules.
    public init(custom: (any CustomHealthChecks)? = nil) {
        self.custom = custom
    }

    /// The health of `live`, with ``ObjectHealth/decidedBy`` set. An object being deleted is progressing
    /// (``HealthSource/deletion``), as in Argo CD, before any check runs; then a custom check for its group
    /// and kind decides when there is one — even for kinds with a built-in rule — and otherwise
    /// ``ObjectHealth/assess(_:)``. `nil` when nothing gives the object a health.
    public func assess(_ live: JSONValue) -> ObjectHealth? {
        if let custom, LiveObject(live).isBeingDeleted == false, let health = custom.assess(live) {
            return health
        }
        return ObjectHealth.assess(live)
    }
}
