public import MoorCore

extension AppProject {
    /// The CustomResourceDefinition of `appprojects.moor.dev`, with an OpenAPI schema that validates
    /// what Moor reads and keeps the rest of Argo CD's shape (roles, signature keys, …) as given; the
    /// same text is published as `deploy/crds/appprojects.moor.dev.yaml`.
    public static var customResourceDefinition: JSONValue {
        let string: JSONValue = ["type": "string"]
        let stringList: JSONValue = ["type": "array", "items": string]
        let free: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        let groupKinds: JSONValue = [
            "type": "array",
            "items": [
                "type": "object", "required": ["group", "kind"],
                "properties": ["group": string, "kind": string, "name": string],
            ],
        ]
        let destination: JSONValue = [
            "type": "object", "properties": ["server": string, "name": string, "namespace": string],
        ]
        let syncWindow: JSONValue = [
            "type": "object", "required": ["kind", "schedule", "duration"],
            "properties": [
                "kind": ["type": "string", "enum": ["allow", "deny"]], "schedule": string, "duration": string,
                "timeZone": string, "applications": stringList, "namespaces": stringList, "clusters": stringList,
                "manualSync": ["type": "boolean"], "andOperator": ["type": "boolean"], "description": string,
                "syncOverrun": ["type": "boolean"],
            ],
        ]
        let serviceAccount: JSONValue = [
            "type": "object", "required": ["server", "defaultServiceAccount"],
            "properties": ["server": string, "namespace": string, "defaultServiceAccount": string],
        ]
        let spec: JSONValue = [
            "type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "properties": [
                "description": string, "sourceRepos": stringList,
                "destinations": ["type": "array", "items": destination],
                "clusterResourceWhitelist": groupKinds, "clusterResourceBlacklist": groupKinds,
                "namespaceResourceWhitelist": groupKinds, "namespaceResourceBlacklist": groupKinds,
                "sourceNamespaces": stringList,
                "orphanedResources": [
                    "type": "object", "x-kubernetes-preserve-unknown-fields": true,
                    "properties": ["warn": ["type": "boolean"]],
                ],
                "syncWindows": ["type": "array", "items": syncWindow],
                "destinationServiceAccounts": ["type": "array", "items": serviceAccount],
                "roles": ["type": "array", "items": free], "signatureKeys": ["type": "array", "items": free],
            ],
        ]
        return ResourceDefinition.namespaced(
            kind: kind, plural: "appprojects", shortNames: ["appproj", "appprojs"], spec: spec)
    }
}
