public import MoorCore

extension NotificationProvider {
    /// The CustomResourceDefinition of `providers.moor.dev`, with an OpenAPI schema of the fields Moor reads;
    /// the same text is published as `deploy/crds/providers.moor.dev.yaml`.
    public static var customResourceDefinition: JSONValue {
        let string: JSONValue = ["type": "string"]
        let spec: JSONValue = [
            "type": "object", "required": ["type"],
            "properties": [
                "type": ["type": "string", "enum": .array(ProviderType.allCases.map { .string($0.rawValue) })],
                "address": string, "channel": string, "username": string,
                "secretRef": ["type": "object", "required": ["name"], "properties": ["name": string]],
                "suspend": ["type": "boolean"],
            ],
        ]
        return ResourceDefinition.namespaced(kind: kind, plural: "providers", spec: spec)
    }
}

extension NotificationAlert {
    /// The CustomResourceDefinition of `alerts.moor.dev`, with an OpenAPI schema of the fields Moor reads; the
    /// same text is published as `deploy/crds/alerts.moor.dev.yaml`.
    public static var customResourceDefinition: JSONValue {
        let string: JSONValue = ["type": "string"]
        let stringList: JSONValue = ["type": "array", "items": string]
        let source: JSONValue = [
            "type": "object", "required": ["kind"],
            "properties": [
                "kind": ["type": "string", "enum": .array([.string(Application.kind)])], "name": string,
                "namespace": string,
                "matchLabels": ["type": "object", "additionalProperties": string],
            ],
        ]
        let spec: JSONValue = [
            "type": "object", "required": ["providerRef", "eventSources"],
            "properties": [
                "providerRef": ["type": "object", "required": ["name"], "properties": ["name": string]],
                "eventSeverity": [
                    "type": "string", "enum": .array(NotificationSeverity.allCases.map { .string($0.rawValue) }),
                ],
                "eventSources": ["type": "array", "items": source],
                "events": [
                    "type": "array",
                    "items": [
                        "type": "string", "enum": .array(NotificationEventKind.allCases.map { .string($0.rawValue) }),
                    ],
                ],
                "inclusionList": stringList, "exclusionList": stringList, "suspend": ["type": "boolean"],
            ],
        ]
        return ResourceDefinition.namespaced(kind: kind, plural: "alerts", spec: spec)
    }
}
