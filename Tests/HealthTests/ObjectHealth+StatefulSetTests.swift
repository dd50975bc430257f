import Health
import MoorCore
import Testing

@Suite("StatefulSet health")
struct StatefulSetHealthTests {
    static func statefulSet(strategy: JSONValue? = nil, generation: Int = 1, status: JSONValue) -> JSONValue {
        var spec: JSONValue = ["replicas": 3]
        spec["updateStrategy"] = strategy
        return liveObject("apps/v1", "StatefulSet", generation: generation, spec: spec, status: status)
    }

    static func status(updated: Int, current: String = "web-1", update: String = "web-1") -> JSONValue {
        [
            "observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "currentReplicas": 3,
            "updatedReplicas": .int(updated), "currentRevision": .string(current), "updateRevision": .string(update),
        ]
    }

    static let partitioned: JSONValue = ["type": "RollingUpdate", "rollingUpdate": ["partition": 2]]

    @Test(
        arguments: [
            HealthCase(
                "never observed → Progressing", statefulSet(status: ["readyReplicas": 3]), .progressing,
                message: "spec update to be observed"),
            HealthCase(
                "generation not observed → Progressing", statefulSet(generation: 2, status: status(updated: 3)),
                .progressing, message: "spec update to be observed"),
            HealthCase(
                "pods not ready → Progressing",
                statefulSet(status: ["observedGeneration": 1, "readyReplicas": 1]), .progressing,
                message: "Waiting for 2 pods to be ready"),
            HealthCase(
                "partition not yet rolled out → Progressing",
                statefulSet(strategy: partitioned, status: status(updated: 0, update: "web-2")), .progressing,
                message: "0 out of 1 new pods"),
            HealthCase(
                "partition rolled out, older pods kept on purpose → Healthy",
                statefulSet(strategy: partitioned, status: status(updated: 1, update: "web-2")), .healthy,
                message: "Partitioned roll out complete"),
            HealthCase(
                "OnDelete waits for nobody → Healthy",
                statefulSet(strategy: ["type": "OnDelete"], status: status(updated: 0, update: "web-2")), .healthy,
                message: "3 ready pods (0 updated)"),
            HealthCase(
                "update revision not current yet → Progressing",
                statefulSet(strategy: ["type": "RollingUpdate"], status: status(updated: 1, update: "web-2")),
                .progressing, message: "revision web-2"),
            HealthCase(
                "update revision is current → Healthy",
                statefulSet(status: status(updated: 3, current: "web-2", update: "web-2")), .healthy,
                message: "3 pods at revision web-2"),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
