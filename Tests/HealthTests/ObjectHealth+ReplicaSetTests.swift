import Health
import MoorCore
import Testing

@Suite("ReplicaSet health")
struct ReplicaSetHealthTests {
    static func replicaSet(generation: Int = 1, available: Int, conditions: [JSONValue] = []) -> JSONValue {
        liveObject(
            "apps/v1", "ReplicaSet", generation: generation, spec: ["replicas": 2],
            status: ["observedGeneration": 1, "availableReplicas": .int(available), "conditions": .array(conditions)])
    }

    @Test(
        arguments: [
            HealthCase(
                "generation not observed → Progressing", replicaSet(generation: 2, available: 2), .progressing,
                message: "generation 2 not yet observed"),
            HealthCase(
                "replica failure → Degraded",
                replicaSet(
                    available: 0,
                    conditions: [
                        condition("ReplicaFailure", "True", reason: "FailedCreate", message: "exceeded quota")
                    ]), .degraded, message: "exceeded quota"),
            HealthCase(
                "a cleared replica failure does not degrade",
                replicaSet(available: 1, conditions: [condition("ReplicaFailure", "False")]), .progressing,
                message: "1 out of 2 replicas are available"),
            HealthCase("all replicas available → Healthy", replicaSet(available: 2), .healthy),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
