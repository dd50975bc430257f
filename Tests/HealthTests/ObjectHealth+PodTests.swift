import Health
import MoorCore
import Testing

@Suite("Pod health")
struct PodHealthTests {
    static func pod(
        restartPolicy: String? = "Always", annotations: JSONValue? = nil, phase: String, ready: Bool = false,
        message: String? = nil, containers: [JSONValue] = [], initContainers: [JSONValue] = []
    ) -> JSONValue {
        var spec: JSONValue = ["containers": [["name": "main", "image": "nginx"]]]
        spec["restartPolicy"] = restartPolicy.map(JSONValue.string)
        var status: JSONValue = [
            "phase": .string(phase),
            "conditions": [condition("Ready", ready ? "True" : "False")],
            "containerStatuses": .array(containers),
            "initContainerStatuses": .array(initContainers),
        ]
        status["message"] = message.map(JSONValue.string)
        return liveObject("v1", "Pod", annotations: annotations, spec: spec, status: status)
    }

    static func waiting(_ reason: String, message: String? = nil, name: String = "main") -> JSONValue {
        var state: JSONValue = ["reason": .string(reason)]
        state["message"] = message.map(JSONValue.string)
        return ["name": .string(name), "state": ["waiting": state]]
    }

    static func terminated(_ terminated: JSONValue, lastState: Bool = false, restarts: Int = 1) -> JSONValue {
        lastState
            ? [
                "name": "main", "state": ["running": [:]], "lastState": ["terminated": terminated],
                "restartCount": .int(restarts),
            ]
            : ["name": "main", "state": ["terminated": terminated]]
    }

    @Test(
        "containers failing to start make a long-running pod Degraded",
        arguments: [
            HealthCase(
                "CrashLoopBackOff",
                pod(phase: "Running", containers: [waiting("CrashLoopBackOff", message: "Back-off 40s")]), .degraded,
                message: "Back-off 40s"),
            HealthCase(
                "ImagePullBackOff while pending",
                pod(phase: "Pending", containers: [waiting("ImagePullBackOff", message: "Back-off pulling")]),
                .degraded, message: "Back-off pulling"),
            HealthCase(
                "ErrImagePull without a message names the container and reason",
                pod(phase: "Pending", containers: [waiting("ErrImagePull", name: "sidecar")]), .degraded,
                message: "container \"sidecar\": ErrImagePull"),
            HealthCase(
                "CreateContainerConfigError",
                pod(phase: "Pending", containers: [waiting("CreateContainerConfigError")]),
                .degraded),
            HealthCase(
                "an init container in CrashLoopBackOff",
                pod(phase: "Pending", initContainers: [waiting("CrashLoopBackOff", name: "init")]), .degraded,
                message: "\"init\""),
            HealthCase(
                "messages of several failing containers are joined",
                pod(
                    phase: "Pending",
                    containers: [waiting("ErrImagePull", message: "a"), waiting("BackOff", message: "b")]),
                .degraded, message: "a, b"),
            HealthCase(
                "restart policy absent means Always",
                pod(restartPolicy: nil, phase: "Running", containers: [waiting("CrashLoopBackOff")]), .degraded),
            HealthCase(
                "a normal wait is no failure",
                pod(phase: "Pending", message: "scheduling", containers: [waiting("ContainerCreating")]), .progressing,
                message: "scheduling"),
        ]
    )
    func waitingReasons(_ row: HealthCase) { row.check() }

    @Test(
        "pods that run to completion are judged by phase only",
        arguments: [
            HealthCase(
                "Never, CrashLoopBackOff while running → Progressing",
                pod(restartPolicy: "Never", phase: "Running", containers: [waiting("CrashLoopBackOff")]), .progressing),
            HealthCase(
                "OnFailure, ready and running → Progressing",
                pod(restartPolicy: "OnFailure", phase: "Running", ready: true),
                .progressing),
            HealthCase(
                "OnFailure with Moor's ignore-restart-policy annotation, ready → Healthy",
                pod(
                    restartPolicy: "OnFailure", annotations: ["moor.dev/ignore-restart-policy": "true"],
                    phase: "Running", ready: true), .healthy),
            HealthCase(
                "Never with Argo CD's ignore-restart-policy annotation, not ready → Progressing",
                pod(
                    restartPolicy: "Never", annotations: ["argocd.argoproj.io/ignore-restart-policy": ""],
                    phase: "Running"), .progressing),
        ]
    )
    func restartPolicy(_ row: HealthCase) { row.check() }

    @Test(
        "phases",
        arguments: [
            HealthCase("Pending → Progressing", pod(phase: "Pending"), .progressing),
            HealthCase("Succeeded → Healthy", pod(restartPolicy: "Never", phase: "Succeeded"), .healthy),
            HealthCase(
                "Failed with a pod message → Degraded with it",
                pod(restartPolicy: "Never", phase: "Failed", message: "evicted: low on memory"), .degraded,
                message: "evicted: low on memory"),
            HealthCase(
                "Failed → Degraded with the termination message",
                pod(
                    restartPolicy: "Never", phase: "Failed",
                    containers: [terminated(["exitCode": 1, "message": "config missing"])]),
                .degraded, message: "config missing"),
            HealthCase(
                "Failed → Degraded, OOMKilled",
                pod(
                    restartPolicy: "Never", phase: "Failed",
                    containers: [terminated(["exitCode": 137, "reason": "OOMKilled"])]),
                .degraded, message: "OOMKilled"),
            HealthCase(
                "Failed → Degraded with the exit code",
                pod(
                    restartPolicy: "Never", phase: "Failed",
                    containers: [terminated(["exitCode": 2, "reason": "Error"])]),
                .degraded, message: "\"main\" failed with exit code 2"),
            HealthCase(
                "Failed without any detail → Degraded",
                pod(restartPolicy: "Never", phase: "Failed", containers: [terminated(["exitCode": 0])]), .degraded),
            HealthCase("Running and ready → Healthy", pod(phase: "Running", ready: true), .healthy),
            HealthCase(
                "Running, not ready, a container terminated before → Degraded, naming its exit code and restarts",
                pod(phase: "Running", containers: [terminated(["exitCode": 1, "reason": "Error"], lastState: true)]),
                .degraded, message: "container \"main\" keeps terminating (exit code 1, 1 restart)"),
            HealthCase(
                "Running, not ready, a container OOM-killed before → Degraded, saying so",
                pod(
                    phase: "Running",
                    containers: [terminated(["exitCode": 137, "reason": "OOMKilled"], lastState: true, restarts: 4)]),
                .degraded, message: "container \"main\" keeps terminating (OOMKilled, exit code 137, 4 restarts)"),
            HealthCase("Running, not ready yet → Progressing", pod(phase: "Running"), .progressing),
            HealthCase(
                "Unknown phase → Unknown", pod(phase: "Unknown", message: "node lost"), .unknown,
                message: "node lost"),
        ]
    )
    func phases(_ row: HealthCase) { row.check() }
}
