internal import MoorCore

extension ObjectHealth {
    /// Annotations that make a running Pod with restart policy `OnFailure` or `Never` be judged by its
    /// readiness, like a long-running Pod; Argo CD's spelling is honoured too.
    static let ignoreRestartPolicyAnnotations = [
        "moor.dev/ignore-restart-policy", "argocd.argoproj.io/ignore-restart-policy",
    ]

    /// Pod.
    ///
    /// With restart policy `Always` (the default), a container waiting for a reason that starts with `Err`
    /// or ends with `Error` or `BackOff` (`CrashLoopBackOff`, `ImagePullBackOff`, `ErrImagePull`,
    /// `CreateContainerConfigError`, …) makes the Pod degraded whatever its phase. Pods that run to
    /// completion (`OnFailure`, `Never`) are often sync hooks, which must not fail while Kubernetes retries,
    /// so they are judged by phase only. Then by phase: `Pending` → progressing, `Succeeded` → healthy,
    /// `Failed` → degraded. `Running`: a Pod that runs to completion is progressing until it ends (unless
    /// annotated with ``ignoreRestartPolicyAnnotations``); otherwise ready → healthy, not ready after a
    /// container has terminated → degraded (naming the container, its last exit code and its restarts), not ready yet → progressing. Any other phase → unknown.
    static func pod(_ pod: LiveObject) -> ObjectHealth {
        let restartPolicy = pod.value("spec", "restartPolicy")?.stringValue ?? "Always"
        let containers = pod.array("status", "initContainerStatuses") + pod.array("status", "containerStatuses")
        let message = pod.string("status", "message")
        if restartPolicy == "Always" {
            let failures = containers.compactMap(waitingFailure)
            if !failures.isEmpty {
                return .degraded(failures.joined(separator: ", "))
            }
        }
        switch pod.string("status", "phase") {
        case "Pending":
            return .progressing(message)
        case "Succeeded":
            return .healthy(message)
        case "Failed":
            return .degraded(message.isEmpty ? containers.lazy.compactMap(terminationFailure).first ?? "" : message)
        case "Running":
            if restartPolicy != "Always" && !pod.hasAnnotation(ignoreRestartPolicyAnnotations) {
                return .progressing(message)
            }
            if pod.condition("Ready")?.isTrue == true {
                return .healthy(message)
            }
            if let restarting = containers.lazy.compactMap(restartFailure).first {
                return .degraded(message.isEmpty ? restarting : message)
            }
            return .progressing(message)
        default:
            return .unknown(message)
        }
    }

    /// Why a container waits, when the reason names a failure rather than a normal step.
    private static func waitingFailure(_ container: JSONValue) -> String? {
        guard let waiting = container[path: "state", "waiting"],
            let reason = waiting["reason"]?.stringValue,
            reason.hasPrefix("Err") || reason.hasSuffix("Error") || reason.hasSuffix("BackOff")
        else { return nil }
        let message = waiting["message"]?.stringValue ?? ""
        let name = container["name"]?.stringValue ?? ""
        return message.isEmpty ? "container \"\(name)\": \(reason)" : message
    }

    /// How a container that terminated before keeps failing, as the kubelet restarts it: `container "web"
    /// keeps terminating (exit code 1, 3 restarts)`, with the reason and code of its last termination.
    private static func restartFailure(_ container: JSONValue) -> String? {
        guard let last = container[path: "lastState", "terminated"] else { return nil }
        let name = container["name"]?.stringValue ?? ""
        var details: [String] = []
        if let reason = last["reason"]?.stringValue, !reason.isEmpty, reason != "Error" { details.append(reason) }
        if let code = last["exitCode"]?.intValue { details.append("exit code \(code)") }
        let restarts = container["restartCount"]?.intValue ?? 0
        details.append(restarts == 1 ? "1 restart" : "\(restarts) restarts")
        return "container \"\(name)\" keeps terminating (\(details.joined(separator: ", ")))"
    }

    /// Why a terminated container failed: its termination message, `OOMKilled`, or its non-zero exit code.
    private static func terminationFailure(_ container: JSONValue) -> String? {
        guard let terminated = container[path: "state", "terminated"] else { return nil }
        if let message = terminated["message"]?.stringValue, !message.isEmpty {
            return message
        }
        if terminated["reason"]?.stringValue == "OOMKilled" {
            return "OOMKilled"
        }
        if let code = terminated["exitCode"]?.intValue, code != 0 {
            return "container \"\(container["name"]?.stringValue ?? "")\" failed with exit code \(code)"
        }
        return nil
    }
}
