import Foundation
import Health
import HealthScript
import MoorCore

/// A live object with only the fields a test cares about.
func object(_ apiVersion: String, _ kind: String, spec: JSONValue? = nil, status: JSONValue? = nil) -> JSONValue {
    var object: JSONValue = [
        "apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": ["name": "example"],
    ]
    object["spec"] = spec
    object["status"] = status
    return object
}

/// Compiled checks from per-kind ConfigMap keys: `group_kind` → script.
func scripts(
    _ perKind: [String: String], openLibs: Bool = false, limits: HealthScriptLimits = .default
) -> HealthScripts {
    var data: [String: String] = [:]
    for (groupKind, script) in perKind {
        data["resource.customizations.health.\(groupKind)"] = script
        if openLibs { data["resource.customizations.useOpenLibs.\(groupKind)"] = "true" }
    }
    return HealthScripts(HealthCustomizations(configMapData: data), limits: limits)
}

/// A path in a fresh temporary directory that nothing has created.
func scratchPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-healthscript-\(UUID())")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

/// A database-like custom resource judged by `status.phase`, paused by `spec.paused`.
let databaseScript = """
    local hs = { status = "Progressing", message = "waiting for the database" }
    if obj.spec ~= nil and obj.spec.paused == true then
      hs.status = "Suspended"
      hs.message = "paused by its owner"
      return hs
    end
    if obj.status == nil then
      return hs
    end
    if obj.status.phase == "Ready" then
      hs.status = "Healthy"
      hs.message = "ready with " .. obj.status.replicas .. " replicas"
    elseif obj.status.phase == "Failed" then
      hs.status = "Degraded"
      hs.message = obj.status.reason or "failed"
    end
    return hs
    """

/// A certificate-like custom resource judged by its `Ready` condition.
let certificateScript = """
    if obj.status ~= nil and obj.status.conditions ~= nil then
      for _, condition in ipairs(obj.status.conditions) do
        if condition.type == "Ready" and condition.status == "True" then
          return { status = "Healthy", message = condition.message }
        end
        if condition.type == "Ready" and condition.status == "False" then
          return { status = "Degraded", message = condition.message }
        end
      end
    end
    return { status = "Progressing", message = "no Ready condition yet" }
    """

/// The status and message of `health` without the decider, for comparing what scripts say.
func verdict(_ health: ObjectHealth?) -> ObjectHealth? {
    health.map { ObjectHealth(status: $0.status, message: $0.message) }
}
