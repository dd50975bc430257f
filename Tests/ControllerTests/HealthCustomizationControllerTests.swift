import Controller
import Foundation
import Health
import KubeClient
import MoorCore
import Testing

/// Lua health checks from the `moor-cm` and `argocd-cm` ConfigMaps of the controller's namespace, against
/// the real API server.
@Suite("Controller: health customizations from moor-cm and argocd-cm")
struct HealthCustomizationControllerTests {
    typealias Harness = ControllerHarness

    /// A namespaced custom resource definition of `Widget` in `group`.
    static func definition(group: String) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.\(group)}
        spec:
          group: \(group)
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """
    }

    /// A ConfigMap `name` in `namespace` holding `data`.
    static func configMap(_ name: String, in namespace: String, _ data: [String: String]) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "data": .object(JSONObject(data.map { ($0.key, JSONValue.string($0.value)) })),
        ]
    }

    @Test("moor-cm's script decides a custom resource's health over argocd-cm's, the status names it, edits apply live")
    func scriptDecides() async throws {
        try await Harness.run(clusterSecretsInNamespace: true, healthRefreshInterval: .milliseconds(200)) { harness in
            let group = "h\(UInt32.random(in: 0...UInt32.max)).moor.dev"
            let key = "resource.customizations.health.\(group)_Widget"
            let strict = """
                if obj.spec ~= nil and obj.spec.size ~= nil and obj.spec.size > 2 then
                  return { status = "Degraded", message = "size " .. obj.spec.size .. " is more than 2" }
                end
                return { status = "Healthy", message = "small enough" }
                """
            let lenient = #"return { status = "Healthy", message = "argocd-cm says fine" }"#
            _ = try await harness.other.create(Self.configMap("argocd-cm", in: harness.namespace, [key: lenient]))
            _ = try await harness.other.create(Self.configMap("moor-cm", in: harness.namespace, [key: strict]))
            try await harness.repository.commit(
                "widgets",
                files: [
                    "app/crd.yaml": Self.definition(group: group),
                    "app/widget.yaml": "apiVersion: \(group)/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n",
                ])
            try await harness.controller.manage([harness.application("widgets", automated: AutomatedSync())])

            func widget() async -> ApplicationStatus.ResourceStatus? {
                await harness.controller.status(of: "widgets")?.resources.first { $0.ref.kind == "Widget" }
            }
            try await harness.eventually("moor-cm's script judges the widget Degraded") {
                await widget()?.health == .degraded
            }
            #expect(await widget()?.healthDecidedBy == .script(key: key))
            let status = try #require(await harness.controller.status(of: "widgets"))
            #expect(status.health.status == .degraded)
            #expect(status.health.message.contains("size 3 is more than 2"), "\(status.health.message)")
            let written = status.json["resources"]?.arrayValue?.first { $0["kind"] == "Widget" }
            #expect(written?[path: "healthDecidedBy", "key"] == .string(key))
            let node = try #require(try await harness.controller.tree(of: "widgets").first { $0.ref.kind == "Widget" })
            #expect(node.health?.decidedBy == .script(key: key))
            #expect(node.health?.message == "size 3 is more than 2")

            // Without moor-cm, argocd-cm's script for the same key decides: no restart needed.
            try await harness.other.delete(
                ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: harness.namespace, name: "moor-cm"))
            try await harness.eventually("argocd-cm's script judges the widget Healthy") {
                await widget()?.health == .healthy
            }
            #expect(await harness.controller.status(of: "widgets")?.health.status == .healthy)
            try await harness.other.delete(
                ObjectRef(
                    group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
                    name: "widgets.\(group)"))
        }
    }
}
