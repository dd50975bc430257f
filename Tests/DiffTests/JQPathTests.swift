import MoorCore
import Testing

@testable import Diff

@Suite("JQ path expressions")
struct JQPathTests {
    private let document: JSONValue = [
        "kind": "Deployment",
        "metadata": ["annotations": ["x/y": "1", "plain": "2"]],
        "spec": [
            "replicas": 3,
            "template": [
                "spec": [
                    "containers": [
                        ["name": "web", "image": "nginx", "ports": [["containerPort": 80]]],
                        ["name": "sidecar", "image": "envoy", "enabled": true],
                        ["name": "debug", "image": "busybox", "enabled": false],
                    ]
                ]
            ],
        ],
        "a": ["b": [10, 20, 30]],
    ]

    @Test(
        "select the paths jq would",
        arguments: [
            (".spec.replicas", ["spec.replicas"]),
            (".a.b[0]", ["a.b[0]"]),
            (".a.b[-1]", ["a.b[2]"]),
            (".a.b[]", ["a.b[0]", "a.b[1]", "a.b[2]"]),
            (".a.b.[1]", ["a.b[1]"]),
            (".metadata.annotations[\"x/y\"]", ["metadata.annotations[\"x/y\"]"]),
            (".metadata.annotations.\"x/y\"", ["metadata.annotations[\"x/y\"]"]),
            (".[\"metadata\"].annotations[]", ["metadata.annotations[\"x/y\"]", "metadata.annotations.plain"]),
            (
                ".spec.template.spec.containers[] | select(.name == \"sidecar\") | .image",
                ["spec.template.spec.containers[1].image"]
            ),
            (
                ".spec.template.spec.containers[] | select(.name != \"web\")",
                ["spec.template.spec.containers[1]", "spec.template.spec.containers[2]"]
            ),
            (
                ".spec.template.spec.containers[] | select(.name == \"web\" or .image == \"busybox\") | .name",
                ["spec.template.spec.containers[0].name", "spec.template.spec.containers[2].name"]
            ),
            (
                ".spec.template.spec.containers[] | select((.name == \"web\") and .ports[0].containerPort == 80)",
                ["spec.template.spec.containers[0]"]
            ),
            (
                ".spec.template.spec.containers[] | select(.enabled) | .image",
                ["spec.template.spec.containers[1].image"]
            ),
            (
                ".spec.template.spec.containers[] | select(.enabled == null) | .name",
                ["spec.template.spec.containers[0].name"]
            ),
            ("select(.kind == \"Deployment\") | .spec.replicas", ["spec.replicas"]),
            ("select(.kind == \"Service\") | .spec.replicas", []),
            (".missing.field", []),
            (".spec.replicas.deeper", []),
        ])
    func selects(expression: String, paths: [String]) throws {
        let selected = try JQPath(expression).paths(in: document).map { FieldPath($0).description }
        #expect(selected == paths)
    }

    @Test(
        "refuse syntax outside the subset, naming the column",
        arguments: [
            (".a | map(.b)", "column 6: \"map\" is not supported"),
            ("..a", "column 2: recursive descent"),
            (".a[1:2]", "column 5: slices"),
            (".a?", "column 3: the optional operator"),
            (".a[] | select(.b[] == 1)", "column 18: \"[]\" is not supported inside select"),
            (".a == 1", "column 4: unexpected \"=\""),
            ("\"a\"", "column 1: expected a path"),
            (".a[\"b", "column 4: unterminated string"),
            (".a | select(.b == )", "column 19: expected a path, string, number"),
            (".a | select(.b == 1", "column 20: expected \")\", found the end of the expression"),
            (".a[1.5]", "column 4: an index must be a whole number"),
            (".a.", "column 4: expected a name"),
        ])
    func refuses(expression: String, message: String) {
        #expect {
            try JQPath(expression)
        } throws: { error in
            let error = error as? DiffError
            return error?.code == .invalidJQPath && error?.message.contains(message) == true
        }
    }

    @Test("an error quotes the expression, cut to a bounded length")
    func boundedMessage() {
        let long = ".a | " + String(repeating: "x", count: 10_000)
        #expect {
            try JQPath(long)
        } throws: { error in
            String(describing: error).count < 300
        }
    }
}
