import MoorCore
import Testing

@testable import Diff

@Suite("Field attribution: who drifted a field")
struct FieldAttributionTests {
    private static let document: JSONValue = [
        "metadata": ["labels": ["app": "web"]],
        "spec": [
            "replicas": 5,
            "template": [
                "spec": [
                    "containers": [["name": "web", "image": "nginx:1.27"], ["name": "log", "image": "busybox"]],
                    "args": ["a", "b"],
                ]
            ],
        ],
    ]

    /// `document` with managedFields entries of (manager, operation, time, subresource, fieldsV1 as YAML).
    private static func live(_ entries: [(String, String, String, String?, String)]) -> JSONValue {
        var live = document
        live[path: "metadata", "managedFields"] = .array(
            entries.map { manager, operation, time, subresource, fields in
                var entry: JSONValue = [
                    "manager": .string(manager), "operation": .string(operation), "time": .string(time),
                    "fieldsType": "FieldsV1", "fieldsV1": Fixtures.object(fields),
                ]
                if let subresource { entry["subresource"] = .string(subresource) }
                return entry
            })
        return live
    }

    private static let moor = (
        "moor", "Apply", "2026-12-02T10:00:00Z", String?.none,
        "f:metadata:\n  f:labels:\n    f:app: {}\nf:spec:\n  f:template:\n    f:spec:\n      f:containers:\n"
            + "        k:{\"name\":\"web\"}:\n          .: {}\n          f:name: {}\n"
    )

    private static func change(_ components: [FieldPath.Component], _ kind: FieldChange.Kind = .changed) -> FieldChange
    {
        FieldChange(path: FieldPath(components), kind: kind)
    }

    @Test(
        "a drifted field names the latest manager other than the application's own that holds it",
        arguments: [
            // kubectl scale: the scale subresource's update owns spec.replicas.
            (
                [change([.key("spec"), .key("replicas")])],
                [("kubectl", "Update", "2026-12-02T10:31:00Z", "scale", "f:spec:\n  f:replicas: {}")],
                ["spec.replicas: kubectl, Update scale, 2026-12-02T10:31:00Z"]
            ),
            // kubectl edit of a container's image, reached through the list element's key.
            (
                [
                    change([
                        .key("spec"), .key("template"), .key("spec"), .key("containers"),
                        .element(JSONObject([("name", "web")])), .key("image"),
                    ])
                ],
                [
                    (
                        "kubectl-edit", "Update", "2026-12-02T10:32:00Z", nil,
                        "f:spec:\n  f:template:\n    f:spec:\n      f:containers:\n        k:{\"name\":\"web\"}:\n          f:image: {}"
                    )
                ],
                ["spec.template.spec.containers[name=web].image: kubectl-edit, Update, 2026-12-02T10:32:00Z"]
            ),
            // A list element by position, owned whole (its node holds `.`).
            (
                [change([.key("spec"), .key("template"), .key("spec"), .key("containers"), .index(1), .key("image")])],
                [
                    (
                        "injector", "Update", "2026-12-02T10:33:00Z", nil,
                        "f:spec:\n  f:template:\n    f:spec:\n      f:containers:\n        k:{\"name\":\"log\"}:\n          .: {}"
                    )
                ],
                ["spec.template.spec.containers[1].image: injector, Update, 2026-12-02T10:33:00Z"]
            ),
            // An atomic list owned whole; of two holders, the later one.
            (
                [change([.key("spec"), .key("template"), .key("spec"), .key("args"), .index(1)])],
                [
                    (
                        "old", "Apply", "2026-12-02T09:00:00Z", nil,
                        "f:spec:\n  f:template:\n    f:spec:\n      f:args: {}"
                    ),
                    (
                        "other", "Apply", "2026-12-02T11:00:00Z", nil,
                        "f:spec:\n  f:template:\n    f:spec:\n      f:args: {}"
                    ),
                ],
                ["spec.template.spec.args[1]: other, Apply, 2026-12-02T11:00:00Z"]
            ),
            // A map's `.` alone does not hold its members (only Moor's apply does: not recorded); a removed
            // field Git adds back has no owner.
            (
                [
                    change([.key("metadata"), .key("labels"), .key("app")]),
                    change([.key("spec"), .key("paused")], .added),
                ],
                [("kubectl-label", "Update", "2026-12-02T10:34:00Z", nil, "f:metadata:\n  f:labels:\n    .: {}")],
                ["metadata.labels.app: \(FieldAttribution.unrecorded)"]
            ),
        ] as [([FieldChange], [(String, String, String, String?, String)], [String])])
    func attributed(changes: [FieldChange], entries: [(String, String, String, String?, String)], expected: [String]) {
        let live = Self.live([Self.moor] + entries)
        let found = FieldAttribution.attributions(of: changes, in: live, except: "moor")
        #expect(found.map(\.description) == expected)
    }

    @Test("a changed field only the application's own manager holds was not recorded; without managedFields, nothing")
    func unrecorded() {
        let change = Self.change([.key("metadata"), .key("labels"), .key("app")])
        let found = FieldAttribution.attributions(of: [change], in: Self.live([Self.moor]), except: "moor")
        #expect(found.map(\.description) == ["metadata.labels.app: \(FieldAttribution.unrecorded)"])
        #expect(found.map(\.manager) == [nil])
        #expect(found.first?.json["manager"] == .null)
        let removed = Self.change([.key("metadata"), .key("labels"), .key("app")], .removed)
        #expect(FieldAttribution.attributions(of: [removed], in: Self.live([Self.moor]), except: "moor").isEmpty)
        #expect(FieldAttribution.attributions(of: [change], in: Self.document, except: "moor").isEmpty)
    }
}
