internal import MoorCore

extension ObjectHealth {
    /// The annotation in which `autoscaling/v1` reports the conditions that later versions keep in
    /// `status.conditions`, as a JSON array.
    static let horizontalPodAutoscalerConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions"

    /// HorizontalPodAutoscaler: `autoscaling/v1` reads its conditions from
    /// ``horizontalPodAutoscalerConditionsAnnotation`` (unreadable → unknown), `v2`, `v2beta2` and `v2beta1`
    /// from `status.conditions`.
    ///
    /// The conditions are read in the order the controller writes them (`AbleToScale`, `ScalingActive`,
    /// `ScalingLimited`) and the first that decides wins: `AbleToScale` with reason `FailedGetScale` or
    /// `FailedUpdateScale`, or `ScalingActive` with reason `FailedGetResourceMetric` or `InvalidSelector` →
    /// degraded; `AbleToScale` or `ScalingLimited` true → healthy. No deciding condition → progressing.
    /// So an autoscaler able to scale is healthy even when a later metric fails, as in Argo CD.
    static func horizontalPodAutoscaler(_ autoscaler: LiveObject) -> ObjectHealth {
        let conditions: [StatusCondition]
        if autoscaler.version == "v1" {
            let annotation = autoscaler.value("metadata", "annotations", horizontalPodAutoscalerConditionsAnnotation)
            guard let text = annotation?.stringValue else {
                return waitingToAutoscale
            }
            guard let list = (try? JSONValue(parsing: text))?.arrayValue else {
                return .unknown("Annotation \(horizontalPodAutoscalerConditionsAnnotation) is not a JSON array")
            }
            conditions = list.map(StatusCondition.init)
        } else {
            conditions = autoscaler.conditions
        }
        for condition in conditions {
            if failureReasons[condition.type]?.contains(condition.reason) == true {
                return .degraded(condition.message)
            }
            if condition.isTrue && (condition.type == "AbleToScale" || condition.type == "ScalingLimited") {
                return .healthy(condition.message)
            }
        }
        return waitingToAutoscale
    }

    /// Condition reasons, by condition type, that mean the autoscaler cannot do its job.
    private static let failureReasons: [String: Set<String>] = [
        "AbleToScale": ["FailedGetScale", "FailedUpdateScale"],
        "ScalingActive": ["FailedGetResourceMetric", "InvalidSelector"],
    ]

    /// The health of an autoscaler that has not decided anything yet.
    private static let waitingToAutoscale = ObjectHealth.progressing("Waiting to autoscale")
}
