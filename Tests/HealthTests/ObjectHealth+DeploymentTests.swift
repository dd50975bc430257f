import Health
import MoorCore
import Testing

@Suite("Deployment health")
struct DeploymentHealthTests {
    static func deployment(generation: Int = 1, spec: JSONValue = ["replicas": 3], status: JSONValue) -> JSONValue {
        liveObject("apps/v1", "Deployment", generation: generation, spec: spec, status: status)
    }

    static let settled: JSONValue = [
        "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3,
    ]

    @Test(
        arguments: [
            HealthCase(
                "paused → Suspended, even before the spec is observed",
                deployment(generation: 2, spec: ["replicas": 3, "paused": true], status: settled), .suspended,
                message: "paused"),
            HealthCase(
                "generation not observed → Progressing", deployment(generation: 2, status: settled), .progressing,
                message: "generation 2 not yet observed"),
            HealthCase(
                "progress deadline exceeded → Degraded",
                deployment(status: [
                    "observedGeneration": 1, "replicas": 3, "updatedReplicas": 1,
                    "conditions": [condition("Progressing", "False", reason: "ProgressDeadlineExceeded")],
                ]), .degraded, message: "\"example\" exceeded its progress deadline"),
            HealthCase(
                "a progressing condition that is still within its deadline does not degrade",
                deployment(status: [
                    "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3,
                    "conditions": [condition("Progressing", "True", reason: "NewReplicaSetAvailable")],
                ]), .healthy),
            HealthCase(
                "fewer updated replicas than wanted → Progressing",
                deployment(status: ["observedGeneration": 1, "replicas": 3, "updatedReplicas": 1]), .progressing,
                message: "1 out of 3 new replicas have been updated"),
            HealthCase(
                "old replicas still running → Progressing",
                deployment(status: [
                    "observedGeneration": 1, "replicas": 4, "updatedReplicas": 3, "availableReplicas": 3,
                ]), .progressing, message: "1 old replicas are pending termination"),
            HealthCase(
                "updated replicas not yet available → Progressing",
                deployment(status: [
                    "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 2,
                ]), .progressing, message: "2 of 3 updated replicas are available"),
            HealthCase("everything updated and available → Healthy", deployment(status: settled), .healthy),
            HealthCase(
                "scaled to zero → Healthy",
                deployment(spec: ["replicas": 0], status: ["observedGeneration": 1]), .healthy),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
