/// The order in which kinds are applied inside one wave (and reversed for pruning): things that
/// others refer to come first. Kinds not listed (custom resources) come last.
public enum KindOrder {
    /// Kinds in apply order.
    public static let kinds: [String] = [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
        "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
        "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
        "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
        "CronJob", "IngressClass", "Ingress", "APIService", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
    ]

    private static let index: [String: Int] = Dictionary(
        uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })

    /// The rank of `kind`: lower applies earlier.
    public static func rank(of kind: String) -> Int {
        index[kind] ?? kinds.count
    }
}
