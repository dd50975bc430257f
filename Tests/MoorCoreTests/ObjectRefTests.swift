import MoorCore
import Testing

@Suite("Object references")
struct ObjectRefTests {
    @Test(
        "splits apiVersion into group and version",
        arguments: [
            ("v1", "", "v1"),
            ("apps/v1", "apps", "v1"),
            ("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io", "v1"),
            ("moor.dev/v1alpha1", "moor.dev", "v1alpha1"),
            ("", "", ""),
        ])
    func splitsAPIVersion(apiVersion: String, group: String, version: String) {
        let split = ObjectRef.split(apiVersion: apiVersion)
        #expect(split.group == group && split.version == version)
        let ref = ObjectRef(apiVersion: apiVersion, kind: "K", name: "n")
        #expect(ref.group == group && ref.version == version && ref.apiVersion == apiVersion)
    }

    @Test("reads the ref of an object")
    func fromObject() {
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "prod"],
        ]
        let ref = ObjectRef(object: deployment)
        #expect(ref == ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "prod", name: "web"))
        #expect(ref?.groupKind == "apps/Deployment")
        #expect(ref?.description == "Deployment prod/web")

        let namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "prod"]]
        #expect(ObjectRef(object: namespace)?.namespace == "")
        #expect(ObjectRef(object: namespace)?.groupKind == "/Namespace")
        #expect(ObjectRef(object: namespace)?.description == "Namespace/prod")
    }

    @Test(
        "has no ref without apiVersion, kind and a string name",
        arguments: [
            ["kind": "ConfigMap", "metadata": ["name": "x"]],
            ["apiVersion": "v1", "metadata": ["name": "x"]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "x-"]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": 5]],
            ["apiVersion": "v1", "kind": "ConfigMap"],
            [1, 2],
            "text",
        ] as [JSONValue])
    func incomplete(object: JSONValue) {
        #expect(ObjectRef(object: object) == nil)
    }

    @Test("identity ignores the API version")
    func identity() {
        let v1 = ObjectRef(apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", namespace: "a", name: "h")
        let v2 = ObjectRef(apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", namespace: "a", name: "h")
        #expect(v1 != v2)
        #expect(v1.identity == v2.identity)
        #expect(v1.identity.version == "")
        #expect(Set([v1.identity, v2.identity]).count == 1)
    }

    @Test("orders by group, kind, namespace, name, then version")
    func ordering() {
        let refs = [
            ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "b", name: "a"),
            ObjectRef(group: "", version: "v1", kind: "Service", namespace: "a", name: "z"),
            ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "a", name: "b"),
            ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: "a", name: "z"),
            ObjectRef(group: "apps", version: "v1beta1", kind: "Deployment", namespace: "a", name: "b"),
        ]
        let sorted = refs.sorted()
        #expect(
            sorted.map(\.description) == [
                "ConfigMap a/z", "Service a/z", "Deployment a/b", "Deployment a/b", "Deployment b/a",
            ])
        #expect(sorted[2].version == "v1" && sorted[3].version == "v1beta1")
        #expect(!(refs[0] < refs[0]))
    }
}

@Suite("Manifest objects")
struct ManifestObjectTests {
    @Test("a source location prints as file:line, or the file alone when the line is unknown")
    func sourceLocation() {
        #expect(SourceLocation(file: "apps/web/deploy.yaml", line: 12).description == "apps/web/deploy.yaml:12")
        #expect(SourceLocation(file: "kustomize output", line: 0).description == "kustomize output")
    }

    @Test("a manifest object knows its ref")
    func ref() {
        let object: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"]]
        let manifest = ManifestObject(object: object, source: SourceLocation(file: "c.yaml", line: 1))
        #expect(manifest.ref == ObjectRef(group: "", version: "v1", kind: "ConfigMap", name: "c"))
        #expect(ManifestObject(object: ["kind": "X"], source: manifest.source).ref == nil)
    }
}
