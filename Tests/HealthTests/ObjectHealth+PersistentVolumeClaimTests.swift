import Health
import MoorCore
import Testing

@Suite("PersistentVolumeClaim and Namespace health")
struct PersistentVolumeClaimHealthTests {
    static func claim(_ phase: String?) -> JSONValue {
        var status: JSONValue = [:]
        status["phase"] = phase.map(JSONValue.string)
        return liveObject("v1", "PersistentVolumeClaim", spec: ["volumeName": "pv-1"], status: status)
    }

    static func namespace(_ phase: String) -> JSONValue {
        liveObject("v1", "Namespace", status: ["phase": .string(phase)])
    }

    @Test(
        arguments: [
            HealthCase("Bound → Healthy", claim("Bound"), .healthy, message: "pv-1"),
            HealthCase("Pending → Progressing", claim("Pending"), .progressing),
            HealthCase("Lost → Degraded", claim("Lost"), .degraded),
            HealthCase("no phase → Unknown", claim(nil), .unknown),
            HealthCase("Namespace Active → Healthy", namespace("Active"), .healthy),
            HealthCase(
                "Namespace Terminating → Progressing", namespace("Terminating"), .progressing,
                message: "terminating"),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
