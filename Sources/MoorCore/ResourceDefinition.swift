/// The shape every namespaced `moor.dev/v1alpha1` resource Moor defines besides `Application` shares:
/// one served and stored version, a `spec` of its own schema, and a status kept as written.
public enum ResourceDefinition {
    /// The CustomResourceDefinition `<plural>.moor.dev` of `kind` (list kind `<kind>List`, singular its
    /// name lowercased, with `shortNames` when given), namespaced, whose `spec` has the schema `spec`.
    public static func namespaced(kind: String, plural: String, shortNames: [String] = [], spec: JSONValue)
        -> JSONValue
    {
        let string: JSONValue = ["type": "string"]
        var names: JSONValue = [
            "kind": .string(kind), "listKind": .string("\(kind)List"), "plural": .string(plural),
            "singular": .string(kind.lowercased()),
        ]
        if !shortNames.isEmpty { names["shortNames"] = .array(shortNames.map(JSONValue.string)) }
        return [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).\(Application.group)")],
            "spec": [
                "group": .string(Application.group), "scope": "Namespaced", "names": names,
                "versions": [
                    [
                        "name": "v1alpha1", "served": true, "storage": true,
                        "schema": [
                            "openAPIV3Schema": [
                                "type": "object",
                                "properties": [
                                    "apiVersion": string, "kind": string, "metadata": ["type": "object"],
                                    "spec": spec,
                                    "status": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                                ],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }
}
