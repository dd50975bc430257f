public import MoorCore

/// The health of one live object: a status and a short explanation for people.
public struct ObjectHealth: Sendable, Hashable, Codable {
    /// The status.
    public var status: HealthStatus
    /// Why, in a sentence for people (may be empty); taken from the object's own status where it has one.
    public var message: String
    /// Which rule or script decided; `nil` when not recorded (health made by hand, or stored by an older Moor).
    public var decidedBy: HealthSource?

    /// Creates a health assessment.
    public init(status: HealthStatus, message: String = "", decidedBy: HealthSource? = nil) {
        self.status = status
        self.message = message
        self.decidedBy = decidedBy
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
    /// unexpected phase, an unreadable annotation) yields ``HealthStatus/unknown``. ``decidedBy`` names the
    /// rule that decided. User's custom checks are not consulted here: see ``HealthAssessor``.
    public static func assess(_ live: JSONValue) -> ObjectHealth? {
        let object = LiveObject(live)
        if object.isBeingDeleted {
            return .progressing("Pending deletion").decided(by: .deletion)
        }
        if let rule = builtInRule(group: object.group, kind: object.kind) {
            let source: HealthSource =
                applicationGroups.contains(object.group) && object.kind == "Application"
                ? .applicationRule : .kindRule(object.group.isEmpty ? object.kind : "\(object.group)/\(object.kind)")
            return rule(object)?.decided(by: source)
        }
        return generic(object)
    }

    /// The same health, decided by `source`.
    func decided(by source: HealthSource) -> ObjectHealth {
        ObjectHealth(status: status, message: message, decidedBy: source)
    }

    /// The groups whose `Application` kind gets the application rule (``application(_:)``).
    private static let applicationGroups: Set = ["argoproj.io", "moor.dev"]

    /// The rule of a kind that has one of its own; `nil` for every other kind.
    private static func builtInRule(group: String, kind: String) -> ((LiveObject) -> ObjectHealth?)? {
        if kind == "Application", applicationGroups.contains(group) { return application }
        return switch (group, kind) {
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
