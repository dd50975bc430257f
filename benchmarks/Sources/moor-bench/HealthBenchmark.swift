import Foundation
import Health
import HealthScript
import MoorCore

/// A Lua check for Deployments written to decide as Moor's built-in rule does, so both do the same work.
let deploymentHealthScript = """
    local spec = obj.spec or {}
    local status = obj.status or {}
    if spec.paused == true then
      return { status = "Suspended", message = "Deployment is paused" }
    end
    local generation = (obj.metadata or {}).generation or 0
    if (status.observedGeneration or 0) < generation then
      return { status = "Progressing", message = "Waiting for rollout to finish: observed deployment generation less than desired generation" }
    end
    for _, condition in ipairs(status.conditions or {}) do
      if condition.type == "Progressing" and condition.reason == "ProgressDeadlineExceeded" then
        return { status = "Degraded", message = "Deployment exceeded its progress deadline" }
      end
    end
    local wanted = spec.replicas or 1
    if (status.updatedReplicas or 0) < wanted then
      return { status = "Progressing", message = "Waiting for rollout to finish: some replicas are not updated yet" }
    end
    if (status.replicas or 0) > (status.updatedReplicas or 0) then
      return { status = "Progressing", message = "Waiting for rollout to finish: old replicas are pending termination" }
    end
    if (status.availableReplicas or 0) < (status.updatedReplicas or 0) then
      return { status = "Progressing", message = "Waiting for rollout to finish: updated replicas are not available yet" }
    end
    return { status = "Healthy", message = "" }
    """

/// A rolled-out Deployment, `index` in its name.
func rolledOutDeployment(_ index: Int) -> JSONValue {
    [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": .string("web-\(index)"), "namespace": "bench", "generation": 3],
        "spec": [
            "replicas": 3, "selector": ["matchLabels": ["app": .string("web-\(index)")]],
            "template": [
                "metadata": ["labels": ["app": .string("web-\(index)")]],
                "spec": ["containers": [["name": "web", "image": "nginx:1.27", "ports": [["containerPort": 80]]]]],
            ],
        ],
        "status": [
            "observedGeneration": 3, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
            "availableReplicas": 3,
            "conditions": [
                ["type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"],
                ["type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"],
            ],
        ],
    ]
}

/// Health of `--objects` Deployments (10,000 unless given) through the health assessor: a Lua check for the
/// kind (`resource.customizations.health.apps_Deployment`) on each, versus the built-in Swift rule, alternating
/// runs; prints the time per object and the ratio.
func benchHealth(_ options: Options) async throws {
    let objects = (0..<options.objects).map(rolledOutDeployment)
    let scripts = HealthScripts(
        HealthCustomizations(configMapData: ["resource.customizations.health.apps_Deployment": deploymentHealthScript]))
    guard scripts.problems.isEmpty else { throw BenchError("the benchmark's script: \(scripts.problems)") }
    let lua = HealthAssessor(custom: scripts)
    let builtIn = HealthAssessor.builtIn
    for (name, assessor) in [("lua", lua), ("built-in", builtIn)] {
        let health = assessor.assess(objects[0])
        guard health?.status == .healthy else { throw BenchError("\(name) judged \(String(describing: health))") }
    }
    func perObject(_ assessor: HealthAssessor) async -> Double {
        var healthy = 0
        let elapsed = await seconds {
            for object in objects where assessor.assess(object)?.status == .healthy { healthy += 1 }
        }
        precondition(healthy == objects.count)
        return elapsed / Double(objects.count) * 1e6
    }
    print("health of \(objects.count) Deployments: a Lua check on each vs the built-in rule, \(options.runs) runs each")
    var luaTimes: [Double] = []
    var builtInTimes: [Double] = []
    for run in 0...options.runs {
        let luaTime = await perObject(lua)
        let builtInTime = await perObject(builtIn)
        let line = String(
            format: "lua %.2f µs/object, built-in %.2f µs/object (%.1f×)", luaTime, builtInTime, luaTime / builtInTime)
        if run == 0 {
            print("warm-up: \(line) (not counted)")
            continue
        }
        print("run \(run): \(line)")
        luaTimes.append(luaTime)
        builtInTimes.append(builtInTime)
    }
    let (luaMedian, builtInMedian) = (median(luaTimes), median(builtInTimes))
    print(
        String(
            format: "median: lua %.2f µs/object, built-in Swift rule %.2f µs/object, ratio %.1f×", luaMedian,
            builtInMedian, luaMedian / builtInMedian))
}
