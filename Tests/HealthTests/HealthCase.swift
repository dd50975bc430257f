import Health
import MoorCore
import Testing

/// One row of a health table: a live object and the health it must get.
struct HealthCase: Sendable, CustomTestStringConvertible {
    /// What the row shows, e.g. "paused → Suspended".
    let name: String
    /// The object as the API server would return it.
    let object: JSONValue
    /// The expected status; `nil` when the object must have no notion of health.
    let status: HealthStatus?
    /// A fragment the message must contain, telling apart branches that give the same status.
    let message: String?

    init(_ name: String, _ object: JSONValue, _ status: HealthStatus?, message: String? = nil) {
        self.name = name
        self.object = object
        self.status = status
        self.message = message
    }

    var testDescription: String { name }

    /// Assesses the object and checks status and message.
    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let health = ObjectHealth.assess(object)
        #expect(health?.status == status, "\(health?.message ?? "no health")", sourceLocation: sourceLocation)
        if let message {
            #expect(
                health?.message.contains(message) == true, "message: \(health?.message ?? "none")",
                sourceLocation: sourceLocation)
        }
    }
}

/// A live object with only the fields a test cares about; `metadata.name` is `example`.
func liveObject(
    _ apiVersion: String, _ kind: String, generation: Int = 1, annotations: JSONValue? = nil,
    spec: JSONValue? = nil, status: JSONValue? = nil
) -> JSONValue {
    var object: JSONValue = [
        "apiVersion": .string(apiVersion), "kind": .string(kind),
        "metadata": ["name": "example", "namespace": "default", "generation": .int(generation)],
    ]
    object[path: "metadata", "annotations"] = annotations
    object["spec"] = spec
    object["status"] = status
    return object
}

/// A `status.conditions` entry.
func condition(_ type: String, _ status: String, reason: String = "", message: String = "") -> JSONValue {
    ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message)]
}
