import MoorCore
import Testing

@Suite("JSON value accessors and path subscripts")
struct JSONValueAccessTests {
    static let deployment: JSONValue = [
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": ["name": "web", "labels": ["app": "web"]],
        "spec": ["replicas": 3, "template": ["spec": ["containers": [["name": "web", "image": "nginx"]]]]],
    ]

    @Test("typed accessors return a value only for their own kind")
    func typedAccessors() {
        let s: JSONValue = "x"
        #expect(s.stringValue == "x" && s.intValue == nil && s.boolValue == nil && s.arrayValue == nil)
        #expect(JSONValue.int(3).intValue == 3 && JSONValue.int(3).doubleValue == 3.0)
        #expect(JSONValue.double(3.0).intValue == 3)
        #expect(JSONValue.double(3.5).intValue == nil)
        #expect(JSONValue.double(1e300).intValue == nil)
        #expect(JSONValue.double(.nan).intValue == nil)
        #expect(JSONValue.int(1).boolValue == nil)
        #expect(JSONValue.bool(true).boolValue == true && JSONValue.bool(true).intValue == nil)
        #expect(JSONValue.null.isNull && !JSONValue.bool(false).isNull)
        #expect(JSONValue.array([1]).arrayValue == [1])
        #expect(JSONValue.emptyObject.objectValue == JSONObject())
    }

    @Test("key, index and path subscripts read nested values")
    func reads() {
        let d = Self.deployment
        #expect(d["kind"] == "Deployment")
        #expect(d["missing"] == nil)
        #expect(d["kind"]?["nested"] == nil)
        #expect(d[path: "metadata", "labels", "app"] == "web")
        #expect(d[path: "spec", "template", "spec", "containers"]?[0]?["image"] == "nginx")
        #expect(d[path: "spec", "template", "spec", "containers"]?[1] == nil)
        #expect(d[path: "spec", "template", "spec", "containers"]?[-1] == nil)
        #expect(d[path: "metadata", "name", "deeper"] == nil)
        #expect(d.value(at: []) == d)
        #expect(d.value(at: ["spec", "replicas"]) == 3)
    }

    @Test("setting a path creates objects on the way and keeps key order")
    func setPath() {
        var d = Self.deployment
        d[path: "metadata", "annotations", "moor.dev/sync-wave"] = "2"
        d[path: "spec", "replicas"] = 5
        #expect(d[path: "metadata", "annotations"] == ["moor.dev/sync-wave": "2"])
        #expect(d["metadata"]?.objectValue?.keys == ["name", "labels", "annotations"])
        #expect(d[path: "spec", "replicas"] == 5)
        #expect(d.objectValue?.keys == ["apiVersion", "kind", "metadata", "spec"])

        var scalar: JSONValue = ["a": 1]
        scalar[path: "a", "b"] = true
        #expect(scalar == ["a": ["b": true]])

        var null: JSONValue = nil
        null[path: "x", "y"] = 1
        #expect(null == ["x": ["y": 1]])

        var whole: JSONValue = 1
        whole.setValue("replaced", at: [])
        #expect(whole == "replaced")
    }

    @Test("setting nil removes the key and never creates anything")
    func removePath() {
        var d = Self.deployment
        d[path: "metadata", "labels", "app"] = nil
        #expect(d[path: "metadata", "labels"] == .emptyObject)
        d[path: "metadata", "labels"] = nil
        #expect(d["metadata"] == ["name": "web"])

        let before = d
        d[path: "status", "conditions"] = nil
        d[path: "metadata", "name", "deeper"] = nil
        #expect(d == before)
        #expect(d["status"] == nil)

        var scalar: JSONValue = 7
        scalar["key"] = nil
        #expect(scalar == 7)
        scalar["key"] = "v"
        #expect(scalar == ["key": "v"])
    }

    @Test("modifies nested members in place")
    func inPlaceModification() {
        var d = Self.deployment
        let original = d
        d["spec"]?["replicas"] = 1
        d["metadata"]?["labels"]?["tier"] = "frontend"
        d["metadata"]?["labels"]?["app"] = nil
        #expect(d[path: "spec", "replicas"] == 1)
        #expect(d[path: "metadata", "labels"] == ["tier": "frontend"])
        #expect(original[path: "spec", "replicas"] == 3, "value semantics: the copy is unchanged")
        #expect(original[path: "metadata", "labels"] == ["app": "web"])
        d["absent"]?["x"] = 1
        #expect(d["absent"] == nil)
    }

    @Test("literals build the matching cases")
    func literals() {
        let value: JSONValue = ["s": "x", "i": 1, "d": 1.5, "b": true, "n": nil, "a": [1], "o": ["k": "v"]]
        #expect(value["s"] == .string("x"))
        #expect(value["i"] == .int(1))
        #expect(value["d"] == .double(1.5))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.int(1)]))
        #expect(value["o"] == .object(JSONObject([("k", .string("v"))])))
    }
}
