/// What a condition's `True` says about its object, read from the condition's type, after the Kubernetes
/// API conventions ("abnormal-true" and "normal-true" condition types) and kstatus (`Reconciling`,
/// `Stalled`).
enum ConditionPolarity: Equatable {
    /// `True` is a failure: `Failed`, `Error`, `Degraded`, `Stalled`, `Invalid`, types ending in
    /// `Failed` or `Error` (`InstallFailed`, `ReconcileError`), and `Not` before a success type (`NotReady`).
    case failure
    /// `True` means the object's controller is still working on it: `Reconciling`, and other types in
    /// `-ing` (`Issuing`, `Upgrading`, `Provisioning`) but `Progressing` and `Warning` (a Deployment-like
    /// `Progressing` stays `True` once rolled out).
    case reconciling
    /// `True` means the object is paused on purpose (`Paused`, `Suspended`).
    case pause
    /// `True` is success and `False` trouble: `Ready`, `Available`, `Healthy`, `Synced`, `Succeeded`,
    /// `Complete`, `Accepted`, `Programmed`, `Established`, `ResolvedRefs` (Gateway API), and types ending
    /// in `Ready`, `Available` or `Healthy`.
    case success
    /// Says nothing about health (`PodScheduled`, `ConfigurationApplied`, …).
    case neutral

    private static let failureTypes: Set = ["Failed", "Error", "Degraded", "Stalled", "Invalid"]
    private static let failureSuffixes = ["Failed", "Error"]
    private static let successTypes: Set = [
        "Ready", "Available", "Healthy", "Synced", "Succeeded", "Complete", "Accepted", "Programmed", "Established",
        "ResolvedRefs",
    ]
    private static let successSuffixes = ["Ready", "Available", "Healthy"]

    /// The polarity of a condition type.
    init(type: String) {
        if Self.failureTypes.contains(type) || Self.failureSuffixes.contains(where: type.hasSuffix)
            || (type.hasPrefix("Not") && ConditionPolarity(type: String(type.dropFirst(3))) == .success)
        {
            self = .failure
        } else if type == "Reconciling" || (type.hasSuffix("ing") && type != "Progressing" && type != "Warning") {
            self = .reconciling
        } else if type == "Paused" || type == "Suspended" {
            self = .pause
        } else if Self.successTypes.contains(type) || Self.successSuffixes.contains(where: type.hasSuffix) {
            self = .success
        } else {
            self = .neutral
        }
    }
}
