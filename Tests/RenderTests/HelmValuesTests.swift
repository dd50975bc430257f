import MoorCore
import Testing

@testable import Render

@Suite("Helm values: merging and --set parameters")
struct HelmValuesTests {
    @Test(
        "parameters set values like helm --set",
        arguments: [
            Self.set("a.b.c", "x", ["a": ["b": ["c": "x"]], "keep": 1]),
            Self.set("keep", "2", ["keep": 2]),
            Self.set("keep", "02", ["keep": "02"]),
            Self.set("keep", "0", ["keep": 0]),
            Self.set("keep", "TRUE", ["keep": true]),
            Self.set("keep", "false", ["keep": false]),
            Self.set("keep", "null", ["keep": nil]),
            Self.set("keep", "1.5", ["keep": "1.5"]),
            Self.set("keep", "true", forceString: true, ["keep": "true"]),
            Self.set("list", "{a,1,true}", ["keep": 1, "list": ["a", 1, true]]),
            Self.set("list[2]", "z", ["keep": 1, "list": [nil, nil, "z"]]),
            Self.set("hosts[0].name", "a.example.com", ["keep": 1, "hosts": [["name": "a.example.com"]]]),
            Self.set("matrix[1][0]", "m", ["keep": 1, "matrix": [nil, ["m"]]]),
            Self.set(
                #"annotations.kubernetes\.io/ingress"#, "nginx",
                ["keep": 1, "annotations": ["kubernetes.io/ingress": "nginx"]]),
            Self.set("url", "https://a.example.com/x?y=1,2", ["keep": 1, "url": "https://a.example.com/x?y=1,2"]),
        ])
    func parameter(parameter: HelmParameter, expected: JSONValue) throws {
        var tree: JSONValue = ["keep": 1]
        try HelmValues.set(parameter, in: &tree)
        #expect(tree == expected)
    }

    static func set(
        _ name: String, _ value: String, forceString: Bool = false, _ expected: JSONValue
    )
        -> (HelmParameter, JSONValue)
    {
        (HelmParameter(name: name, value: value, forceString: forceString), expected)
    }

    @Test("an index sets one element of an existing list")
    func indexIntoExistingList() throws {
        var tree: JSONValue = ["ports": [80, 443, 8080]]
        try HelmValues.set(HelmParameter(name: "ports[1]", value: "8443"), in: &tree)
        #expect(tree == ["ports": [80, 8443, 8080]])
    }

    @Test(
        "malformed parameter names",
        arguments: [
            ("", "it is empty or ends with '.'"), ("a.", "it is empty or ends with '.'"),
            ("a..b", "it has an empty key"),
            ("[0]", "an index must follow a key"), ("a[x]", "list indexes are written [0], [1], …"),
            ("a[1", "list indexes are written [0], [1], …"), ("a[-1]", "list indexes are written [0], [1], …"),
            ("a[0]b", "expected '.' or '[' after ']'"), ("a[70000]", "index 70000 is larger than 65536"),
        ])
    func malformed(name: String, reason: String) {
        var tree: JSONValue = [:]
        let error = #expect(throws: RenderError.self) {
            try HelmValues.set(HelmParameter(name: name, value: "1"), in: &tree)
        }
        #expect(error?.message == "helm parameter name \(name.isEmpty ? "''" : "'\(name)'") is not valid: \(reason)")
    }

    @Test("mappings merge key by key, everything else is replaced")
    func merge() throws {
        let base = try #require((["a": ["x": 1, "y": 2], "list": [1, 2], "s": "old"] as JSONValue).objectValue)
        let overrides = try #require(
            (["a": ["y": 3, "z": 4], "list": [3], "s": ["now": "a map"]] as JSONValue).objectValue)
        let expected: JSONValue = ["a": ["x": 1, "y": 3, "z": 4], "list": [3], "s": ["now": "a map"]]
        #expect(JSONValue.object(HelmValues.merge(base, overrides)) == expected)
    }
}
