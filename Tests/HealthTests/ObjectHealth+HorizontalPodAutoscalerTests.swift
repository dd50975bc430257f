import Health
import MoorCore
import MoorYAML
import Testing

@Suite("HorizontalPodAutoscaler health")
struct HorizontalPodAutoscalerHealthTests {
    static func v1(conditions: String) throws -> JSONValue {
        try YAMLReader.value(
            """
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata:
              name: web
              annotations:
                autoscaling.alpha.kubernetes.io/conditions: '\(conditions)'
            spec:
              maxReplicas: 5
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
            """)
    }

    static func autoscaler(_ apiVersion: String, _ conditions: JSONValue...) -> JSONValue {
        liveObject(apiVersion, "HorizontalPodAutoscaler", status: ["conditions": .array(conditions)])
    }

    @Test(
        "autoscaling/v1 reads its conditions from an annotation",
        arguments: [
            (
                #"[{"type":"AbleToScale","status":"True","reason":"SucceededRescale","message":"scaled"}]"#,
                HealthStatus.healthy
            ),
            (#"[{"type":"AbleToScale","status":"True","reason":"FailedGetScale","message":"no scale"}]"#, .degraded),
            (#"[{"type":"AbleToScale","status":"False","reason":"BackoffBoth"}]"#, .progressing),
            ("[]", .progressing),
            ("{not json", .unknown),
            (#"{"type":"AbleToScale"}"#, .unknown),
        ]
    )
    func v1Annotation(conditions: String, expected: HealthStatus) throws {
        #expect(ObjectHealth.assess(try Self.v1(conditions: conditions))?.status == expected)
    }

    @Test("autoscaling/v1 without the annotation is waiting")
    func v1WithoutAnnotation() {
        let health = ObjectHealth.assess(liveObject("autoscaling/v1", "HorizontalPodAutoscaler"))
        #expect(
            health
                == ObjectHealth(
                    status: .progressing, message: "Waiting to autoscale",
                    decidedBy: .kindRule("autoscaling/HorizontalPodAutoscaler")))
    }

    @Test(
        "later versions read status.conditions; the first deciding condition wins",
        arguments: [
            HealthCase(
                "v2 able to scale → Healthy",
                autoscaler(
                    "autoscaling/v2", condition("AbleToScale", "True", reason: "ReadyForNewScale", message: "ready"),
                    condition("ScalingLimited", "False", reason: "DesiredWithinRange")), .healthy, message: "ready"),
            HealthCase(
                "v2 limited to its bounds → Healthy",
                autoscaler("autoscaling/v2", condition("ScalingLimited", "True", reason: "TooManyReplicas")),
                .healthy),
            HealthCase(
                "v2 cannot update the scale → Degraded",
                autoscaler(
                    "autoscaling/v2",
                    condition("AbleToScale", "False", reason: "FailedUpdateScale", message: "forbidden")),
                .degraded, message: "forbidden"),
            HealthCase(
                "v2beta2 invalid selector before any healthy condition → Degraded",
                autoscaler(
                    "autoscaling/v2beta2", condition("ScalingActive", "False", reason: "InvalidSelector"),
                    condition("ScalingLimited", "True", reason: "TooFewReplicas")), .degraded),
            HealthCase(
                "v2beta1 able to scale, then a metric failure → Healthy (first deciding condition)",
                autoscaler(
                    "autoscaling/v2beta1", condition("AbleToScale", "True", reason: "SucceededRescale"),
                    condition("ScalingActive", "False", reason: "FailedGetResourceMetric")), .healthy),
            HealthCase(
                "v2 only an active metric → Progressing",
                autoscaler("autoscaling/v2", condition("ScalingActive", "True", reason: "ValidMetricFound")),
                .progressing, message: "Waiting to autoscale"),
            HealthCase("v2 no conditions → Progressing", autoscaler("autoscaling/v2"), .progressing),
        ]
    )
    func conditions(_ row: HealthCase) { row.check() }
}
