import MoorCore
import Render
import Testing

@Suite("Object validation")
struct ManifestValidatorTests {
    @Test(
        "an invalid object is refused with its file, line and what to fix",
        arguments: [
            (
                "apiVersion: v1\nmetadata:\n  name: web\n",
                "deploy.yaml:1: kind is missing or not a string; every object needs apiVersion, kind and metadata.name"
            ),
            (
                "kind: ConfigMap\nmetadata:\n  name: web\n",
                "deploy.yaml:1: apiVersion is missing or not a string; every object needs apiVersion, kind and "
                    + "metadata.name"
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n",
                "deploy.yaml:1: metadata.name is missing or not a string; every object needs apiVersion, kind and "
                    + "metadata.name"
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\n",
                "deploy.yaml:1: metadata is missing or not a mapping; every object needs apiVersion, kind and "
                    + "metadata.name"
            ),
            (
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n",
                "deploy.yaml:1: metadata.generateName is not supported: Moor cannot track objects whose name the "
                    + "cluster generates; set metadata.name"
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Web_App\n",
                "deploy.yaml:1: metadata.name 'Web_App' is not a valid ConfigMap name: at most 253 lowercase "
                    + "letters, digits, '-' and '.', starting and ending with a letter or digit"
            ),
            (
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\n",
                "deploy.yaml:1: metadata.name '1web' is not a valid Service name: at most 63 lowercase letters, "
                    + "digits and '-', starting with a letter and ending with a letter or digit"
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: Prod\n",
                "deploy.yaml:1: metadata.namespace must be a valid namespace name: at most 63 lowercase letters, "
                    + "digits and '-', starting and ending with a letter or digit"
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels:\n    version: 1.0\n",
                "deploy.yaml:1: metadata.labels.'version' must be a string; quote the value"
            ),
            (
                "apiVersion: apps/v1/beta\nkind: Deployment\nmetadata:\n  name: web\n",
                "deploy.yaml:1: apiVersion 'apps/v1/beta' is not valid; write it as 'v1' or 'group/version'"
            ),
            (
                "apiVersion: v1\nkind: config-map\nmetadata:\n  name: web\n",
                "deploy.yaml:1: kind 'config-map' is not valid; kinds are letters and digits, like 'Deployment'"
            ),
        ])
    func invalidObject(yaml: String, expected: String) async throws {
        let tree = try TestTree(["deploy.yaml": yaml])
        defer { tree.remove() }
        let error = await tree.renderError()
        #expect(error?.code == .invalidObject)
        #expect(error?.description == expected)
    }

    @Test(
        "a hook may have a generateName instead of a name",
        arguments: ["argocd.argoproj.io/hook: PreSync", "moor.dev/hook: PostSync", "helm.sh/hook: pre-install"])
    func generateNameHook(annotation: String) async throws {
        let tree = try TestTree([
            "hook.yaml": """
            apiVersion: batch/v1
            kind: Job
            metadata:
              generateName: schema-migrate-
              annotations:
                \(annotation)
            """
        ])
        defer { tree.remove() }
        let objects = try await tree.render()
        #expect(objects.count == 1)
        #expect(objects.first?.object[path: "metadata", "generateName"] == "schema-migrate-")
    }

    @Test("the line is the document's line in a multi-document file")
    func lineOfLaterDocument() async throws {
        let tree = try TestTree([
            "apps/web/deploy.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ok
            ---
            # the broken one
            apiVersion: apps/v1
            metadata:
              name: web
            """
        ])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "apps/web"))
        #expect(error?.location == SourceLocation(file: "apps/web/deploy.yaml", line: 7))
    }

    @Test("RBAC names may contain colons")
    func rbacNames() async throws {
        let tree = try TestTree([
            "rbac.yaml": """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: system:controller:web
            """
        ])
        defer { tree.remove() }
        #expect(try await tree.render().names == ["ClusterRole/system:controller:web"])
    }

    @Test("the same object twice is refused, naming both places")
    func duplicate() async throws {
        let tree = try TestTree([
            "a.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n",
            "b.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web
              namespace: prod
            ---
            apiVersion: apps/v1beta2
            kind: Deployment
            metadata:
              name: web
              namespace: prod
            """,
        ])
        defer { tree.remove() }
        let error = await tree.renderError()
        #expect(error?.code == .duplicateObject)
        #expect(
            error?.description
                == "b.yaml:7: Deployment prod/web is defined twice, here and at a.yaml:1; remove one of them")
    }

    @Test("the same name in other namespaces or kinds is not a duplicate")
    func notDuplicate() async throws {
        let tree = try TestTree([
            "a.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web, namespace: a}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web, namespace: b}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: web, namespace: a}
            """
        ])
        defer { tree.remove() }
        #expect(try await tree.render().count == 3)
    }

    @Test("more objects than the limit are refused at the first one over it")
    func objectLimit() async throws {
        let list = (1...4).map { "- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm\($0)}}" }
        let tree = try TestTree([
            "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n",
            "b.yaml": "apiVersion: v1\nkind: List\nitems:\n" + list.joined(separator: "\n"),
        ])
        defer { tree.remove() }
        #expect(try await tree.render(configuration: RenderConfiguration(maxObjects: 5)).count == 5)
        let error = await tree.renderError(configuration: RenderConfiguration(maxObjects: 4))
        #expect(error?.code == .limitExceeded)
        #expect(
            error?.description
                == "b.yaml:1: the application renders more than 4 objects, the limit; split it into several applications"
        )
    }
}
