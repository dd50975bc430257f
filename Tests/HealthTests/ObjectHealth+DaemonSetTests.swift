import Health
import MoorCore
import Testing

@Suite("DaemonSet health")
struct DaemonSetHealthTests {
    static func daemonSet(strategy: String = "RollingUpdate", generation: Int = 1, updated: Int, available: Int)
        -> JSONValue
    {
        liveObject(
            "apps/v1", "DaemonSet", generation: generation, spec: ["updateStrategy": ["type": .string(strategy)]],
            status: [
                "observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": .int(updated),
                "numberAvailable": .int(available),
            ])
    }

    @Test(
        arguments: [
            HealthCase(
                "generation not observed → Progressing", daemonSet(generation: 2, updated: 3, available: 3),
                .progressing, message: "generation 2 not yet observed"),
            HealthCase(
                "OnDelete waits for nobody → Healthy", daemonSet(strategy: "OnDelete", updated: 1, available: 3),
                .healthy, message: "1 out of 3 pods have been updated"),
            HealthCase(
                "pods not updated → Progressing", daemonSet(updated: 1, available: 3), .progressing,
                message: "1 out of 3 new pods have been updated"),
            HealthCase(
                "pods not available → Progressing", daemonSet(updated: 3, available: 2), .progressing,
                message: "2 of 3 updated pods are available"),
            HealthCase("all pods updated and available → Healthy", daemonSet(updated: 3, available: 3), .healthy),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
