import Health
import MoorCore
import Testing

@Suite("CustomResourceDefinition health")
struct CustomResourceDefinitionHealthTests {
    static func definition(_ conditions: JSONValue...) -> JSONValue {
        liveObject(
            "apiextensions.k8s.io/v1", "CustomResourceDefinition", spec: ["group": "example.com"],
            status: ["conditions": .array(conditions)])
    }

    static let namesAccepted = condition("NamesAccepted", "True", reason: "NoConflicts")
    static let established = condition("Established", "True", reason: "InitialNamesAccepted")

    @Test(
        arguments: [
            HealthCase("no conditions yet → Progressing", definition(), .progressing),
            HealthCase(
                "terminating → Progressing",
                definition(
                    namesAccepted, established,
                    condition("Terminating", "True", reason: "InstanceDeletionInProgress", message: "deleting 3")),
                .progressing, message: "deleting 3"),
            HealthCase(
                "names not accepted → Degraded",
                definition(
                    condition("NamesAccepted", "False", reason: "MultipleConflicts", message: "plural in use"),
                    condition("Established", "False", reason: "NotAccepted")), .degraded, message: "plural in use"),
            HealthCase("not established yet → Progressing", definition(namesAccepted), .progressing),
            HealthCase(
                "installing → Progressing",
                definition(namesAccepted, condition("Established", "False", reason: "Installing")), .progressing),
            HealthCase(
                "not established for another reason → Degraded",
                definition(namesAccepted, condition("Established", "False", reason: "Broken", message: "why")),
                .degraded, message: "Broken: why"),
            HealthCase(
                "non-structural schema → Degraded",
                definition(
                    namesAccepted, established,
                    condition("NonStructuralSchema", "True", reason: "Violations", message: "type missing")),
                .degraded, message: "type missing"),
            HealthCase("established, names accepted → Healthy", definition(namesAccepted, established), .healthy),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
