import Health
import MoorCore
import Testing

@Suite("APIService health")
struct APIServiceHealthTests {
    static func apiService(_ version: String, _ conditions: JSONValue...) -> JSONValue {
        liveObject("apiregistration.k8s.io/\(version)", "APIService", status: ["conditions": .array(conditions)])
    }

    @Test(
        arguments: [
            HealthCase(
                "no condition → Progressing", apiService("v1"), .progressing, message: "Waiting to be processed"),
            HealthCase(
                "v1 available → Healthy",
                apiService(
                    "v1",
                    condition(
                        "Available", "True", reason: "Passed",
                        message: "all checks passed")), .healthy, message: "Passed: all checks passed"),
            HealthCase(
                "v1beta1 available → Healthy", apiService("v1beta1", condition("Available", "True", reason: "Local")),
                .healthy, message: "Local"),
            HealthCase(
                "v1 unavailable → Progressing",
                apiService("v1", condition("Available", "False", reason: "MissingEndpoints")), .progressing,
                message: "MissingEndpoints"),
            HealthCase(
                "v1beta1 unavailable → Progressing",
                apiService("v1beta1", condition("Available", "False", reason: "ServiceNotFound")), .progressing),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}
