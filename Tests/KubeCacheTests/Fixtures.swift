import MoorCore

/// Objects as Moor applies them: labelled as managed and annotated with a tracking id.
enum Fixtures {
    static let managedBy: JSONValue = ["app.kubernetes.io/managed-by": "moor"]

    /// A ConfigMap tracked by `app` (untracked when `app` is nil), managed-by label unless `labelled` is false.
    static func configMap(
        _ name: String, namespace: String = "ns", app: String?, data: JSONValue = ["k": "v"],
        resourceVersion: String? = nil, labelled: Bool = true
    ) -> JSONValue {
        var object: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)], "data": data,
        ]
        if labelled { object[path: "metadata", "labels"] = managedBy }
        if let app {
            object[path: "metadata", "annotations"] = [
                "moor.dev/tracking-id": .string("\(app):/ConfigMap:\(namespace)/\(name)")
            ]
        }
        if let resourceVersion { object[path: "metadata", "resourceVersion"] = .string(resourceVersion) }
        return object
    }

    /// A PodTemplate tracked by `app`.
    static func podTemplate(_ name: String, namespace: String, app: String, image: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "PodTemplate",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "labels": managedBy,
                "annotations": ["moor.dev/tracking-id": .string("\(app):/PodTemplate:\(namespace)/\(name)")],
            ],
            "template": ["spec": ["containers": [["name": "c", "image": .string(image)]]]],
        ]
    }

    static func configMapRef(_ name: String, namespace: String = "ns") -> ObjectRef {
        ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: namespace, name: name)
    }

    static func podTemplateRef(_ name: String, namespace: String) -> ObjectRef {
        ObjectRef(group: "", version: "v1", kind: "PodTemplate", namespace: namespace, name: name)
    }
}
