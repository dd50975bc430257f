import Diff
import MoorCore
import Testing

@Suite("Rendering: unified diff, table, JSON")
struct DiffRenderingTests {
    private let policy = DiffPolicy()
    private let ref = ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: "shop", name: "settings")

    /// A ConfigMap with data keys `a`…`j`, values `va`…`vj`, keys `changed` given upper-case values.
    private func configMap(changing changed: Set<String> = [], live: Bool = false) -> JSONValue {
        var data = JSONObject()
        for key in "abcdefghij".map(String.init) {
            data[key] = .string(changed.contains(key) ? "V" + key.uppercased() : "v" + key)
        }
        var object: JSONValue = ["apiVersion": "v1", "data": .object(data), "kind": "ConfigMap"]
        object["metadata"] = ["name": "settings", "namespace": "shop"]
        if live {
            object[path: "metadata", "resourceVersion"] = "12"
            object[path: "metadata", "uid"] = "0b7c"
        }
        return object
    }

    private func diff(changing changed: Set<String>) -> ObjectDiff {
        policy.diff(ref: ref, desired: configMap(changing: changed), live: configMap(live: true))
    }

    @Test("one change: headers name the object, three lines of context by default")
    func oneChange() {
        #expect(
            DiffRendering.unified(diff(changing: ["c"])) == """
                --- live/ConfigMap/shop/settings
                +++ desired/ConfigMap/shop/settings
                @@ -2,7 +2,7 @@
                 data:
                   a: va
                   b: vb
                -  c: vc
                +  c: VC
                   d: vd
                   e: ve
                   f: vf

                """)
    }

    @Test("changes further apart than twice the context make separate hunks")
    func separateHunks() {
        #expect(
            DiffRendering.unified(diff(changing: ["b", "i"]), context: 1) == """
                --- live/ConfigMap/shop/settings
                +++ desired/ConfigMap/shop/settings
                @@ -3,3 +3,3 @@
                   a: va
                -  b: vb
                +  b: VB
                   c: vc
                @@ -10,3 +10,3 @@
                   h: vh
                -  i: vi
                +  i: VI
                   j: vj

                """)
    }

    @Test("changes within twice the context share a hunk")
    func sharedHunk() {
        #expect(
            DiffRendering.unified(diff(changing: ["b", "e"]), context: 1) == """
                --- live/ConfigMap/shop/settings
                +++ desired/ConfigMap/shop/settings
                @@ -3,6 +3,6 @@
                   a: va
                -  b: vb
                +  b: VB
                   c: vc
                   d: vd
                -  e: ve
                +  e: VE
                   f: vf

                """)
    }

    @Test("a missing object is all additions, an extraneous one all removals")
    func wholeObjects() {
        let small: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings"]]
        let ref = ObjectRef(group: "", version: "v1", kind: "ConfigMap", name: "settings")
        #expect(
            DiffRendering.unified(policy.diff(ref: ref, desired: small, live: nil)) == """
                --- /dev/null
                +++ desired/ConfigMap/settings
                @@ -0,0 +1,4 @@
                +apiVersion: v1
                +kind: ConfigMap
                +metadata:
                +  name: settings

                """)
        #expect(
            DiffRendering.unified(policy.diff(ref: ref, desired: nil, live: small)) == """
                --- live/ConfigMap/settings
                +++ /dev/null
                @@ -1,4 +0,0 @@
                -apiVersion: v1
                -kind: ConfigMap
                -metadata:
                -  name: settings

                """)
    }

    @Test("a synced object renders nothing")
    func synced() {
        #expect(DiffRendering.unified(diff(changing: [])).isEmpty)
    }

    @Test("colour codes only when asked: bold headers, cyan hunks, red removals, green additions")
    func colors() {
        let diff = diff(changing: ["a"])
        let plain = DiffRendering.unified(diff, context: 0)
        let colored = DiffRendering.unified(diff, context: 0, colored: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(
            colored == """
                \u{1B}[1m--- live/ConfigMap/shop/settings\u{1B}[0m
                \u{1B}[1m+++ desired/ConfigMap/shop/settings\u{1B}[0m
                \u{1B}[36m@@ -3 +3 @@\u{1B}[0m
                \u{1B}[31m-  a: va\u{1B}[0m
                \u{1B}[32m+  a: VA\u{1B}[0m

                """)
    }

    @Test("summary table: object, state and the first changed paths")
    func table() {
        let deployment = ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "shop", name: "web")
        let rows = [
            ObjectDiff(
                ref: deployment, state: .outOfSync,
                changes: ["spec.replicas", "spec.paused", "spec.minReadySeconds", "spec.strategy"].map {
                    FieldChange(path: FieldPath($0.split(separator: ".").map { .key(String($0)) }), kind: .changed)
                }, live: nil, desired: nil),
            diff(changing: []),
            policy.diff(
                ref: ObjectRef(group: "", version: "v1", kind: "Service", namespace: "shop", name: "web"),
                desired: ["apiVersion": "v1", "kind": "Service"], live: nil),
            policy.diff(
                ref: ObjectRef(
                    group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole",
                    name: "reader"), desired: nil, live: ["apiVersion": "rbac.authorization.k8s.io/v1"]),
        ]
        #expect(
            DiffRendering.table(rows) == """
                OBJECT                                        STATE       CHANGES
                apps/Deployment shop/web                      OutOfSync   \
                spec.replicas (changed), spec.paused (changed), spec.minReadySeconds (changed), +1 more
                ConfigMap shop/settings                       Synced
                Service shop/web                              Missing     not in cluster
                rbac.authorization.k8s.io/ClusterRole reader  Extraneous  not in Git

                """)
    }

    @Test("JSON for tools carries the object, state, changes, shown objects and the plain diff")
    func json() throws {
        let diff = diff(changing: ["c"])
        let json = DiffRendering.json(diff)
        #expect(json["kind"] == "ConfigMap" && json["namespace"] == "shop" && json["name"] == "settings")
        #expect(json["group"] == "" && json["version"] == "v1" && json["state"] == "OutOfSync")
        #expect(json["changes"] == [["path": "data.c", "kind": "changed"]])
        #expect(json[path: "desired", "data", "c"] == "VC" && json[path: "live", "data", "c"] == "vc")
        #expect(json["diff"]?.stringValue == DiffRendering.unified(diff))
        #expect(DiffRendering.json([diff, diff]).arrayValue?.count == 2)
        #expect(try JSONValue(parsing: json.jsonString()) == json)
    }
}
