import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

/// ApplicationSet resources in the cluster: the controller generates their applications and writes
/// what it did to their status.
@Suite("ApplicationSet resources")
struct ApplicationSetResourceTests {
    typealias Harness = ControllerHarness

    @Test("the published CRD file is exactly what moor install prints")
    func publishedCRD() throws {
        let path = TestCluster.repositoryRoot + "/deploy/crds/applicationsets.moor.dev.yaml"
        let published = try String(contentsOfFile: path, encoding: .utf8)
        #expect(published == YAMLWriter.document(Application.applicationSetDefinition))
    }

    @Test("a resource over envs/* creates applications; a folder added adds one, deleted removes one")
    func environments() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit(
                "two environments",
                files: [
                    "envs/dev/a.yaml": Harness.configMap("dev", "1"),
                    "envs/prod/a.yaml": Harness.configMap("prod", "1"),
                ])
            _ = try await harness.other.apply(Application.applicationSetDefinition, fieldManager: "moor")
            try await harness.eventually("the ApplicationSet kind is served") {
                (try? await harness.client.resource(apiVersion: Application.apiVersion, kind: ApplicationSet.kind))
                    != nil
            }
            let ref = ObjectRef(
                apiVersion: Application.apiVersion, kind: ApplicationSet.kind, namespace: harness.namespace,
                name: "envs")
            let template = ApplicationSetControllerTests.template(harness, name: "{{path.basename}}", path: "{{path}}")
            let manifest: JSONValue = [
                "apiVersion": .string(Application.apiVersion), "kind": .string(ApplicationSet.kind),
                "metadata": ["name": "envs", "namespace": .string(harness.namespace)],
                "spec": [
                    "generators": [
                        [
                            "git": [
                                "repoURL": .string(harness.repository.fileURL), "revision": "main",
                                "directories": [["path": "envs/*"]],
                            ]
                        ]
                    ],
                    "template": template,
                ],
            ]
            _ = try await harness.other.apply(manifest, fieldManager: "moor-test")
            try await harness.controller.watchApplicationSets(namespace: harness.namespace)
            let named = { (environments: [String]) in
                JSONValue.array(environments.map { .string("\($0)-\(harness.namespace)") })
            }
            try await harness.eventually("both environments are applied and listed in the status") {
                guard try await ApplicationSetControllerTests.values(harness, "dev", "prod") == ["1", "1"] else {
                    return false
                }
                let status = try await harness.other.get(ref)["status"]
                return status?["applications"] == named(["dev", "prod"])
                    && status?[path: "conditions"]?.arrayValue?.first?["type"] == "ResourcesUpToDate"
            }

            try await harness.repository.commit(
                "add staging", files: ["envs/staging/a.yaml": Harness.configMap("staging", "1")])
            try await harness.eventually("the new environment is applied and listed") {
                guard try await harness.value(of: "staging") == "1" else { return false }
                return try await harness.other.get(ref)[path: "status", "applications"]
                    == named(["dev", "prod", "staging"])
            }
            try await ApplicationSetControllerTests.dropProduction(harness)
            try await harness.eventually("the deleted environment's application and objects are gone") {
                guard try await harness.value(of: "prod") == nil else { return false }
                return try await harness.other.get(ref)[path: "status", "applications"] == named(["dev", "staging"])
            }

            var broken = manifest
            broken[path: "spec", "template", "metadata", "name"] = "{{nothing}}"
            _ = try await harness.other.apply(broken, fieldManager: "moor-test")
            try await harness.eventually("a broken template is an ErrorOccurred condition; the applications stay") {
                let status = try await harness.other.get(ref)["status"]
                let condition = status?[path: "conditions"]?.arrayValue?.first
                return condition?["type"] == "ErrorOccurred"
                    && condition?["message"]?.stringValue?.contains("nothing") == true
                    && status?["applications"] == named(["dev", "staging"])
            }
            #expect(try await ApplicationSetControllerTests.values(harness, "dev", "staging") == ["1", "1"])

            try await harness.other.delete(ref)
            try await harness.eventually("deleting the resource removes its applications and their objects") {
                guard await harness.controller.applications(of: "envs").isEmpty else { return false }
                return try await ApplicationSetControllerTests.values(harness, "dev", "staging") == [nil, nil]
            }
        }
    }
}
