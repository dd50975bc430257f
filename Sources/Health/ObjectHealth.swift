public import MoorCore

/// The health of one live object: a status and a short explanation for people.
public struct ObjectHealth: Sendable, Hashable, Codable {
    /// The status.
    public var status: HealthStatus
    /// Why, in a sentence for people (may be empty); taken from the object's own status where it has one.
    public var message: String

    /// Creates a health assessment.
    public init(status: HealthStatus, message: String = "") {
        self.status = status
        self.message = message
    }

    /// Assesses the health of an object as read from the cluster. Pure: looks only at `live`.
    ///
    /// An object being deleted (`metadata.deletionTimestamp` set) is ``HealthStatus/progressing``. Otherwise
    /// the rule for its group and kind decides: Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job,
    /// CronJob, Service, Ingress, PersistentVolumeClaim, HorizontalPodAutoscaler, APIService, Namespace and
    /// CustomResourceDefinition each have one (one file per kind), and so do Applications (`argoproj.io`,
    /// `moor.dev`: Synced and Healthy, for an app of apps). Any other kind gets the generic rule
    /// (``generic(_:)``): suspension fields, `status.observedGeneration`, kstatus's `Reconciling` and
    /// `Stalled`, failure- and success-type conditions, Gateway API's per-parent conditions and phase-like
    /// fields, the message naming the field that decided.
    ///
    /// Returns `nil` when the object has no notion of health (a ConfigMap, a Role, a custom resource without
    /// conditions); ``HealthStatus/aggregate(_:)`` then treats it as healthy, as Argo CD does. Fields that
    /// are absent or of the wrong type read as Kubernetes' zero values; a status a rule cannot interpret (an
    /// unexpected phase, an unreadable annotation) yields ``HealthStatus/unknown``.
    public static func assess(_ live: JSONValue) -> ObjectHealth? {
        let object = LiveObject(live)
        if object.isBeingDeleted {
            return .progressing("Pending deletion")
        }
        if let rule = builtInRule(group: object.group, kind: object.kind) {
            return rule(object)
        }
        return generic(object)
    }

    /// The rule of a kind that has one of its own; `nil` for every other kind.
    private static func builtInRule(group: String, kind: String) -> ((LiveObject) -> ObjectHealth?)? {
        switch (group, kind) {
        case ("apps", "Deployment"), ("extensions", "Deployment"): deployment
        case ("apps", "StatefulSet"): statefulSet
        case ("apps", "DaemonSet"), ("extensions", "DaemonSet"): daemonSet
        case ("apps", "ReplicaSet"), ("extensions", "ReplicaSet"): replicaSet
        case ("", "Pod"): pod
        case ("", "Service"): service
        case ("", "PersistentVolumeClaim"): persistentVolumeClaim
        case ("", "Namespace"): namespace
        case ("batch", "Job"): job
        case ("batch", "CronJob"): cronJob
        case ("networking.k8s.io", "Ingress"), ("extensions", "Ingress"): ingress
        case ("autoscaling", "HorizontalPodAutoscaler"): horizontalPodAutoscaler
        case ("apiregistration.k8s.io", "APIService"): apiService
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): customResourceDefinition
        case ("argoproj.io", "Application"), ("moor.dev", "Application"): application
        default: nil
        }
    }
}

extension ObjectHealth {
    /// `healthy` with a message.
    static func healthy(_ message: String) -> ObjectHealth { ObjectHealth(status: .healthy, message: message) }
    /// `suspended` with a message.
    static func suspended(_ message: String) -> ObjectHealth { ObjectHealth(status: .suspended, message: message) }
    /// `progressing` with a message.
    static func progressing(_ message: String) -> ObjectHealth {
        ObjectHealth(status: .progressing, message: message)
    }
    /// `degraded` with a message.
    static func degraded(_ message: String) -> ObjectHealth { ObjectHealth(status: .degraded, message: message) }
    /// `unknown` with a message.
    static func unknown(_ message: String) -> ObjectHealth { ObjectHealth(status: .unknown, message: message) }
}
