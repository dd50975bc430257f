internal import MoorCore

/// Typed reads of the fields health rules look at.
///
/// The API server leaves zero values out of its JSON, so an absent number reads as `0`, an absent string
/// as `""` and an absent list as `[]`; a field of the wrong type reads as absent.
struct LiveObject {
    /// The object as read from the cluster.
    let json: JSONValue
    /// The API group, `""` for the core group.
    let group: String
    /// The API version without its group, e.g. `v1` or `v2beta2`.
    let version: String

    init(_ json: JSONValue) {
        self.json = json
        (group, version) = ObjectRef.split(apiVersion: json["apiVersion"]?.stringValue ?? "")
    }

    /// `kind`.
    var kind: String { string("kind") }
    /// `metadata.name`.
    var name: String { string("metadata", "name") }
    /// `metadata.generation`: bumped by the API server on every change of the spec.
    var generation: Int { int("metadata", "generation") }
    /// `status.observedGeneration`: the generation the object's controller last acted on.
    var observedGeneration: Int { int("status", "observedGeneration") }
    /// Whether `metadata.deletionTimestamp` is set.
    var isBeingDeleted: Bool { !(json[path: "metadata", "deletionTimestamp"]?.isNull ?? true) }
    /// `status.conditions`, in the order the controller wrote them.
    var conditions: [StatusCondition] { array("status", "conditions").map(StatusCondition.init) }

    /// The first condition of a type.
    func condition(_ type: String) -> StatusCondition? {
        conditions.first { $0.type == type }
    }

    /// Whether `metadata.annotations` has any of `keys`, whatever its value.
    func hasAnnotation(_ keys: [String]) -> Bool {
        keys.contains { json[path: "metadata", "annotations", $0] != nil }
    }

    /// The value at a path, `nil` when absent.
    func value(_ path: String...) -> JSONValue? { json.value(at: path) }
    /// The integer at a path, `0` when absent.
    func int(_ path: String...) -> Int { json.value(at: path)?.intValue ?? 0 }
    /// The string at a path, `""` when absent.
    func string(_ path: String...) -> String { json.value(at: path)?.stringValue ?? "" }
    /// The array at a path, `[]` when absent.
    func array(_ path: String...) -> [JSONValue] { json.value(at: path)?.arrayValue ?? [] }
}

/// One entry of a `status.conditions` list (the shape shared by Kubernetes' condition types).
struct StatusCondition {
    /// `type`, e.g. `Ready` or `Available`.
    let type: String
    /// `status`: `True`, `False` or `Unknown`.
    let status: String
    /// `reason`: a CamelCase word for programs.
    let reason: String
    /// `message`: a sentence for people.
    let message: String
    /// `observedGeneration`, when the controller reports it per condition.
    let observedGeneration: Int?

    init(_ json: JSONValue) {
        type = json["type"]?.stringValue ?? ""
        status = json["status"]?.stringValue ?? ""
        reason = json["reason"]?.stringValue ?? ""
        message = json["message"]?.stringValue ?? ""
        observedGeneration = json["observedGeneration"]?.intValue
    }

    /// Whether `status` is `True`.
    var isTrue: Bool { status == "True" }
    /// Whether `status` is `False`.
    var isFalse: Bool { status == "False" }
    /// `reason: message`, or whichever of the two is present.
    var summary: String { [reason, message].filter { !$0.isEmpty }.joined(separator: ": ") }
}
