extension Application {
    /// The kind of Moor's ApplicationSet custom resource.
    public static let applicationSetKind = "ApplicationSet"

    /// The CustomResourceDefinition of `applicationsets.moor.dev`. Generators and the template are
    /// kept as given (the controller reads and validates them, and reports what is wrong in the
    /// resource's status); the same text is published as `deploy/crds/applicationsets.moor.dev.yaml`.
    public static var applicationSetDefinition: JSONValue {
        let free: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        let spec: JSONValue = [
            "type": "object", "required": ["generators", "template"],
            "properties": [
                "generators": ["type": "array", "minItems": 1, "items": free],
                "template": free,
                "syncPolicy": ["type": "object", "properties": ["preserveResourcesOnDeletion": ["type": "boolean"]]],
            ],
        ]
        return [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "applicationsets.moor.dev"],
            "spec": [
                "group": .string(group), "scope": "Namespaced",
                "names": [
                    "kind": .string(applicationSetKind), "listKind": "ApplicationSetList", "plural": "applicationsets",
                    "singular": "applicationset", "shortNames": ["appset", "appsets"],
                ],
                "versions": [
                    [
                        "name": "v1alpha1", "served": true, "storage": true,
                        "subresources": ["status": .emptyObject],
                        "additionalPrinterColumns": [
                            ["name": "Applications", "type": "string", "jsonPath": ".status.applications"]
                        ],
                        "schema": [
                            "openAPIV3Schema": [
                                "type": "object", "required": ["spec"],
                                "properties": [
                                    "apiVersion": ["type": "string"], "kind": ["type": "string"],
                                    "metadata": ["type": "object"], "spec": spec, "status": free,
                                ],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }
}
