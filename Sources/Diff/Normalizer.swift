internal import Foundation
public import MoorCore

/// Removes from an object what must not count as drift: what the API server writes by itself, and
/// (on request) Moor's own tracking marks.
///
/// Applied alike to the desired and the live object before they are compared or shown:
/// - `status`, and the server-written metadata ``serverMetadataFields`` (`managedFields`,
///   `resourceVersion`, `uid`, …);
/// - the server- and tool-written annotations ``serverAnnotations``;
/// - with ``ignoresTracking``, the label `app.kubernetes.io/managed-by: moor` and the annotation
///   `moor.dev/tracking-id`;
/// - `labels` and `annotations` left empty by the above;
/// - object members set to `null` (at any depth), which server-side apply reads as "not set";
/// - for a `v1` `Secret`, `stringData` is folded into `data` (base64-encoded, overriding `data`), as the API
///   server stores it.
///
/// Further equivalences (empty vs absent, quantities) are applied when comparing, not here; see
/// ``DiffPolicy``.
public struct Normalizer: Sendable, Hashable {
    /// `metadata` members written by the API server.
    public static let serverMetadataFields = [
        "managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink",
        "deletionGracePeriodSeconds",
    ]
    /// Annotations written by the API server, controllers or client tools rather than by the user.
    public static let serverAnnotations: Set<String> = [
        "kubectl.kubernetes.io/last-applied-configuration",
        "deployment.kubernetes.io/revision",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "endpoints.kubernetes.io/last-change-trigger-time",
        "control-plane.alpha.kubernetes.io/leader",
        "pv.kubernetes.io/bind-completed",
        "pv.kubernetes.io/bound-by-controller",
        "pv.kubernetes.io/provisioned-by",
        "volume.kubernetes.io/storage-provisioner",
        "volume.beta.kubernetes.io/storage-provisioner",
        "volume.kubernetes.io/selected-node",
    ]
    /// The label Moor puts on every object it applies (``TrackingID/managedByLabel``).
    public static let trackingLabel = TrackingID.managedByLabel
    /// The value of ``trackingLabel`` that marks Moor's objects (the label is kept with other values).
    public static let trackingLabelValue = TrackingID.managedByValue
    /// The annotation naming the application that owns an object (``TrackingID/annotation``).
    public static let trackingAnnotation = TrackingID.annotation

    /// Whether Moor's tracking label and annotation are removed too.
    public var ignoresTracking: Bool

    /// A normalizer; `ignoresTracking` removes Moor's own label and annotation as well.
    public init(ignoresTracking: Bool = false) {
        self.ignoresTracking = ignoresTracking
    }

    /// `object` without the fields listed above. Values other than objects pass through unchanged.
    public func normalize(_ object: JSONValue) -> JSONValue {
        guard case .object = object else { return object }
        var result = Self.removingNulls(object)
        result["status"] = nil
        if result["metadata"]?.objectValue != nil {
            for field in Self.serverMetadataFields { result["metadata"]?[field] = nil }
            normalizeMarks(in: &result)
        }
        if result["kind"] == "Secret", result["apiVersion"] == "v1" { Self.foldStringData(in: &result) }
        return result
    }

    private func normalizeMarks(in object: inout JSONValue) {
        for annotation in Self.serverAnnotations { object[path: "metadata", "annotations", annotation] = nil }
        if ignoresTracking {
            object[path: "metadata", "annotations", Self.trackingAnnotation] = nil
            if object[path: "metadata", "labels", Self.trackingLabel]?.stringValue == Self.trackingLabelValue {
                object[path: "metadata", "labels", Self.trackingLabel] = nil
            }
        }
        for map in ["labels", "annotations"] where object[path: "metadata", map]?.objectValue?.isEmpty == true {
            object[path: "metadata", map] = nil
        }
    }

    private static func removingNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(JSONObject(members.compactMap { $0.value.isNull ? nil : ($0.key, removingNulls($0.value)) }))
        case .array(let elements):
            return .array(elements.map(removingNulls))
        default:
            return value
        }
    }

    private static func foldStringData(in secret: inout JSONValue) {
        guard let stringData = secret["stringData"]?.objectValue else { return }
        secret["stringData"] = nil
        for (key, value) in stringData {
            let encoded = value.stringValue.map { JSONValue.string(Data($0.utf8).base64EncodedString()) } ?? value
            secret[path: "data", key] = encoded
        }
    }
}
