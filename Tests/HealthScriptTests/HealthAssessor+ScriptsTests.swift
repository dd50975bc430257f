import Health
import HealthScript
import MoorCore
import Testing

@Suite("Lua checks in the health assessor: precedence over the built-in rules, moor-cm over argocd-cm")
struct HealthAssessorScriptsTests {
    static func script(_ status: String, _ message: String) -> String {
        "return { status = \"\(status)\", message = \"\(message)\" }"
    }

    /// A paused Deployment: the built-in rule says Suspended.
    static let deployment = object("apps/v1", "Deployment", spec: ["paused": true])

    @Test("a script for a kind with a built-in rule decides instead of it, and says so")
    func scriptOverridesBuiltIn() {
        let assessor = HealthAssessor(custom: scripts(["apps_Deployment": Self.script("Degraded", "from lua")]))
        #expect(
            assessor.assess(Self.deployment)
                == ObjectHealth(
                    status: .degraded, message: "from lua",
                    decidedBy: .script(key: "resource.customizations.health.apps_Deployment")))
    }

    @Test("without a script for the kind, the built-in rule decides and is named")
    func noScriptBuiltIn() {
        let assessor = HealthAssessor(custom: scripts(["example.com_Widget": Self.script("Healthy", "w")]))
        let health = assessor.assess(Self.deployment)
        #expect(health?.status == .suspended)
        #expect(health?.decidedBy == .kindRule("apps/Deployment"))
    }

    @Test("an exact per-kind key beats a wildcard entry; the wildcard covers the rest, built-in kinds too")
    func exactBeatsWildcard() {
        let blob = """
            "*/*":
              health.lua: |
                \(Self.script("Progressing", "wildcard"))
            """
        let assessor = HealthAssessor(
            custom: HealthScripts(
                HealthCustomizations(configMapData: [
                    "resource.customizations": blob,
                    "resource.customizations.health.apps_Deployment": Self.script("Healthy", "exact"),
                ])))
        #expect(assessor.assess(Self.deployment)?.message == "exact")
        let pod = assessor.assess(object("v1", "Pod"))
        #expect(pod?.message == "wildcard")
        #expect(pod?.decidedBy == .script(key: "resource.customizations: */*"))
    }

    @Test("moor-cm wins per key over argocd-cm; argocd-cm's other keys still apply")
    func moorConfigMapWins() {
        let customizations = HealthCustomizations(
            moorConfigMap: ["resource.customizations.health.apps_Deployment": Self.script("Healthy", "moor")],
            argoConfigMap: [
                "resource.customizations.health.apps_Deployment": Self.script("Degraded", "argo"),
                "resource.customizations.health._Pod": Self.script("Healthy", "argo pod"),
            ])
        let assessor = HealthAssessor(custom: HealthScripts(customizations))
        #expect(assessor.assess(Self.deployment)?.message == "moor")
        #expect(assessor.assess(object("v1", "Pod"))?.message == "argo pod")
    }

    @Test("a script that does not compile decides Unknown for its kind, naming the key, instead of the built-in rule")
    func brokenScript() {
        let checks = scripts(["apps_Deployment": "return {"])
        let health = HealthAssessor(custom: checks).assess(Self.deployment)
        #expect(health?.status == .unknown)
        #expect(health?.message.contains("resource.customizations.health.apps_Deployment") == true)
        #expect(health?.decidedBy == .script(key: "resource.customizations.health.apps_Deployment"))
        #expect(checks.problems.map(\.code) == [.compile])
    }
}
