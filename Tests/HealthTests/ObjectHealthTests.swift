import Health
import MoorCore
import Testing

@Suite("Object health: dispatch by group and kind, deletion")
struct ObjectHealthTests {
    @Test(
        "objects being deleted are progressing, whatever their kind",
        arguments: [
            liveObject("v1", "ConfigMap"),
            liveObject("apps/v1", "Deployment", spec: ["paused": true]),
            liveObject("v1", "PersistentVolumeClaim", status: ["phase": "Bound"]),
        ]
    )
    func deletion(object: JSONValue) {
        var object = object
        object[path: "metadata", "deletionTimestamp"] = "2024-05-01T10:00:00Z"
        #expect(
            ObjectHealth.assess(object)
                == ObjectHealth(status: .progressing, message: "Pending deletion", decidedBy: .deletion))
    }

    @Test("a null deletionTimestamp is no deletion")
    func nullDeletionTimestamp() {
        var object = liveObject("apps/v1", "Deployment", spec: ["paused": true])
        object[path: "metadata", "deletionTimestamp"] = .null
        #expect(ObjectHealth.assess(object)?.status == .suspended)
    }

    @Test(
        "kinds without a notion of health have none",
        arguments: [
            HealthCase("ConfigMap", liveObject("v1", "ConfigMap"), nil),
            HealthCase("Secret", liveObject("v1", "Secret"), nil),
            HealthCase("ServiceAccount", liveObject("v1", "ServiceAccount"), nil),
            HealthCase("ClusterRole", liveObject("rbac.authorization.k8s.io/v1", "ClusterRole"), nil),
            HealthCase("not JSON object", "just a string", nil),
            HealthCase(
                "a Deployment of another group is not a Kubernetes Deployment",
                liveObject("example.com/v1", "Deployment", spec: ["replicas": 3]), nil),
        ]
    )
    func noHealth(_ row: HealthCase) { row.check() }

    @Test(
        "the rule follows the group, across API versions",
        arguments: [
            HealthCase("apps/v1 Deployment", liveObject("apps/v1", "Deployment", spec: ["paused": true]), .suspended),
            HealthCase(
                "extensions/v1beta1 Deployment", liveObject("extensions/v1beta1", "Deployment", spec: ["paused": true]),
                .suspended),
            HealthCase(
                "extensions/v1beta1 Ingress", liveObject("extensions/v1beta1", "Ingress"), .progressing,
                message: "load balancer"),
            HealthCase(
                "extensions/v1beta1 DaemonSet", liveObject("extensions/v1beta1", "DaemonSet", generation: 2),
                .progressing, message: "generation 2"),
            HealthCase(
                "extensions/v1beta1 ReplicaSet", liveObject("extensions/v1beta1", "ReplicaSet", generation: 2),
                .progressing, message: "generation 2"),
        ]
    )
    func dispatch(_ row: HealthCase) { row.check() }
}
