import Health
import MoorCore
import Testing

@Suite("Service and Ingress health")
struct ServiceHealthTests {
    static func service(_ type: String, ingress: JSONValue? = nil) -> JSONValue {
        var status: JSONValue = ["loadBalancer": [:]]
        status[path: "loadBalancer", "ingress"] = ingress
        return liveObject("v1", "Service", spec: ["type": .string(type)], status: status)
    }

    static func ingress(_ ingress: JSONValue? = nil) -> JSONValue {
        var status: JSONValue = ["loadBalancer": [:]]
        status[path: "loadBalancer", "ingress"] = ingress
        return liveObject("networking.k8s.io/v1", "Ingress", status: status)
    }

    @Test(
        arguments: [
            HealthCase("ClusterIP → Healthy", service("ClusterIP"), .healthy),
            HealthCase("NodePort → Healthy", service("NodePort"), .healthy),
            HealthCase(
                "LoadBalancer without address → Progressing", service("LoadBalancer"), .progressing,
                message: "load balancer address"),
            HealthCase(
                "LoadBalancer with an empty list → Progressing", service("LoadBalancer", ingress: []), .progressing),
            HealthCase(
                "LoadBalancer with an IP → Healthy", service("LoadBalancer", ingress: [["ip": "203.0.113.7"]]),
                .healthy, message: "203.0.113.7"),
            HealthCase(
                "LoadBalancer with a hostname → Healthy",
                service("LoadBalancer", ingress: [["hostname": "lb.example.com"]]), .healthy,
                message: "lb.example.com"),
            HealthCase(
                "LoadBalancer with an entry lacking both, as Argo CD accepts → Healthy",
                service("LoadBalancer", ingress: [[:]]), .healthy),
            HealthCase("Ingress without address → Progressing", ingress(), .progressing),
            HealthCase(
                "Ingress with an IP → Healthy", ingress([["ip": "198.51.100.1"]]), .healthy,
                message: "198.51.100.1"),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
