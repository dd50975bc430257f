public import MoorCore

/// Fills defaults that server-side apply needs before the server would fill them itself.
///
/// Kubernetes ≤ 1.20 rejects an apply whose Service ports or container ports omit `protocol`
/// ("associative list with keys has an element that omits key field protocol"), because
/// `protocol` is part of those lists' merge key. The server defaults it to `TCP`, so setting
/// `TCP` when it is missing changes nothing the cluster would not do anyway.
public enum ServerSideApplyDefaults {
    /// `object` with `protocol: TCP` on every port entry that lacks one.
    public static func fill(_ object: JSONValue) -> JSONValue {
        var copy = object
        switch object["kind"]?.stringValue {
        case "Service":
            copy[path: "spec", "ports"] = withProtocol(object[path: "spec", "ports"])
        case "Pod":
            copy["spec"] = podSpec(object["spec"])
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
            copy[path: "spec", "template", "spec"] = podSpec(object[path: "spec", "template", "spec"])
        case "CronJob":
            copy[path: "spec", "jobTemplate", "spec", "template", "spec"] = podSpec(
                object[path: "spec", "jobTemplate", "spec", "template", "spec"])
        default:
            break
        }
        return copy
    }

    private static func podSpec(_ spec: JSONValue?) -> JSONValue? {
        guard var spec else { return nil }
        for key in ["containers", "initContainers"] {
            guard let containers = spec[key]?.arrayValue else { continue }
            spec[key] = .array(
                containers.map { container in
                    var container = container
                    if let ports = container["ports"] { container["ports"] = withProtocol(ports) }
                    return container
                })
        }
        return spec
    }

    private static func withProtocol(_ ports: JSONValue?) -> JSONValue? {
        guard let entries = ports?.arrayValue else { return ports }
        return .array(
            entries.map { entry in
                guard entry.objectValue != nil, entry["protocol"] == nil else { return entry }
                var entry = entry
                entry["protocol"] = "TCP"
                return entry
            })
    }
}
