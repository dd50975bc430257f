extension Application {
    /// The CustomResourceDefinition of `applications.moor.dev`, with an OpenAPI schema that
    /// validates what Moor reads (the same text is published as `deploy/crds/applications.moor.dev.yaml`).
    public static var customResourceDefinition: JSONValue {
        let string: JSONValue = ["type": "string"]
        let stringList: JSONValue = ["type": "array", "items": string]
        let free: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        let source: JSONValue = [
            "type": "object", "required": ["repoURL"],
            "properties": [
                "repoURL": ["type": "string", "minLength": 1], "targetRevision": string, "path": string,
                "chart": string, "ref": string, "name": string, "directory": free, "kustomize": free, "helm": free,
                "plugin": free,
            ],
        ]
        let ignoreRule: JSONValue = [
            "type": "object", "required": ["kind"],
            "properties": [
                "group": string, "kind": string, "name": string, "namespace": string, "jsonPointers": stringList,
                "jqPathExpressions": stringList, "managedFieldsManagers": stringList,
            ],
        ]
        let syncPolicy: JSONValue = [
            "type": "object",
            "properties": [
                "automated": [
                    "type": "object", "properties": ["prune": ["type": "boolean"], "selfHeal": ["type": "boolean"]],
                ],
                "syncOptions": stringList,
                "maxPruneShare": ["type": "number", "minimum": 0, "maximum": 1],
                "retry": [
                    "type": "object",
                    "properties": [
                        "limit": ["type": "integer"],
                        "backoff": [
                            "type": "object",
                            "properties": ["duration": string, "factor": ["type": "number"], "maxDuration": string],
                        ],
                    ],
                ],
            ],
        ]
        let spec: JSONValue = [
            "type": "object", "required": ["destination"],
            "properties": [
                "project": string, "serviceAccountName": string, "source": source,
                "sources": ["type": "array", "items": source],
                "destination": [
                    "type": "object", "properties": ["name": string, "server": string, "namespace": string],
                ],
                "syncPolicy": syncPolicy, "ignoreDifferences": ["type": "array", "items": ignoreRule],
            ],
        ]
        let column = { (name: String, path: String) -> JSONValue in
            ["name": .string(name), "type": "string", "jsonPath": .string(path)]
        }
        return [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "applications.moor.dev"],
            "spec": [
                "group": .string(group), "scope": "Namespaced",
                "names": [
                    "kind": "Application", "listKind": "ApplicationList", "plural": "applications",
                    "singular": "application", "shortNames": ["app", "apps"],
                ],
                "versions": [
                    [
                        "name": "v1alpha1", "served": true, "storage": true,
                        "subresources": ["status": .emptyObject],
                        "additionalPrinterColumns": [
                            column("Sync Status", ".status.sync.status"),
                            column("Health Status", ".status.health.status"),
                            column("Revision", ".status.sync.revision"),
                        ],
                        "schema": [
                            "openAPIV3Schema": [
                                "type": "object", "required": ["spec"],
                                "properties": [
                                    "apiVersion": string, "kind": string, "metadata": ["type": "object"],
                                    "spec": spec, "status": free,
                                ],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }
}
