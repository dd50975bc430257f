import Diff
import Foundation
import MoorCore
import Testing

@Suite("Secret masking: values never shown, changed keys named")
struct SecretMaskingTests {
    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The secret values in play; none of them, nor their base64, may appear in any output.
    static let values = ["hunter2-plaintext", "old-password-xyz", "tok-value-1", "legacy-value", "brand-new-value"]

    private let ref = ObjectRef(group: "", version: "v1", kind: "Secret", namespace: "shop", name: "db")
    private let desired: JSONValue = [
        "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db", "namespace": "shop"], "type": "Opaque",
        "stringData": ["password": "hunter2-plaintext"],
        "data": ["token": .string(base64("tok-value-1")), "new": .string(base64("brand-new-value"))],
    ]
    private let live: JSONValue = [
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": [
            "name": "db", "namespace": "shop", "resourceVersion": "7",
            "annotations": [
                "kubectl.kubernetes.io/last-applied-configuration":
                    "{\"stringData\":{\"password\":\"old-password-xyz\"}}"
            ],
        ],
        "data": [
            "password": .string(base64("old-password-xyz")), "token": .string(base64("tok-value-1")),
            "legacy": .string(base64("legacy-value")),
        ],
    ]
    /// What a server-side dry run of `desired` returns: `stringData` folded in, the stale key pruned.
    private let predicted: JSONValue = [
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": ["name": "db", "namespace": "shop", "resourceVersion": "8"],
        "data": [
            "password": .string(base64("hunter2-plaintext")), "token": .string(base64("tok-value-1")),
            "new": .string(base64("brand-new-value")),
        ],
    ]

    private var diff: ObjectDiff { DiffPolicy().diff(ref: ref, desired: desired, live: live, predicted: predicted) }

    @Test("the change list names added, removed and changed keys, and identical keys not at all")
    func changeList() {
        #expect(diff.state == .outOfSync)
        #expect(
            diff.changes.map(\.description).sorted() == [
                "data.legacy (removed)", "data.new (added)", "data.password (changed)",
            ])
    }

    @Test("no output holds a secret value, plain or base64", arguments: values)
    func valuesNeverAppear(value: String) {
        let missing = DiffPolicy().diff(ref: ref, desired: desired, live: nil)
        let extraneous = DiffPolicy().diff(ref: ref, desired: nil, live: live)
        let outputs =
            [diff, missing, extraneous].flatMap { diff in
                [
                    DiffRendering.unified(diff), DiffRendering.unified(diff, colored: true),
                    DiffRendering.json(diff).jsonString(), diff.changes.map(\.description).joined(),
                    "\(diff)",
                ]
            } + [DiffRendering.table([diff, missing, extraneous])]
        for output in outputs {
            #expect(!output.contains(value))
            #expect(!output.contains(Self.base64(value)))
        }
    }

    @Test("the unified diff shows masks that differ exactly where values differ")
    func unifiedMasks() {
        let text = DiffRendering.unified(diff)
        let changed = text.split(separator: "\n").filter { $0.hasPrefix("-  ") || $0.hasPrefix("+  ") }
        #expect(
            changed == [
                "-  password: +++++++++", "+  password: ++++++++", "-  legacy: ++++++++", "+  new: ++++++++",
            ])
        #expect(text.contains("   token: ++++++++"))
    }

    /// `(desired value, live value, desired mask, live mask)` of one key.
    static let maskCases: [(String?, String?, String?, String?)] = [
        ("a", "a", "++++++++", "++++++++"), ("a", "b", "++++++++", "+++++++++"),
        ("a", nil, "++++++++", nil), (nil, "b", nil, "++++++++"),
    ]

    @Test("masks are equal for equal values and different for different ones", arguments: maskCases)
    func masks(desiredValue: String?, liveValue: String?, desiredMask: String?, liveMask: String?) {
        func secret(_ value: String?) -> JSONValue {
            ["apiVersion": "v1", "kind": "Secret", "data": value.map { ["key": .string($0)] } ?? .emptyObject]
        }
        let masked = SecretMasking.mask([secret(desiredValue), secret(liveValue)])
        #expect(masked[0]?[path: "data", "key"] == desiredMask.map(JSONValue.string))
        #expect(masked[1]?[path: "data", "key"] == liveMask.map(JSONValue.string))
    }

    @Test("objects other than core Secrets are left alone")
    func otherKinds() {
        let configMap: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "data": ["key": "visible"]]
        let sealed: JSONValue = ["apiVersion": "bitnami.com/v1alpha1", "kind": "Secret", "data": ["key": "visible"]]
        #expect(SecretMasking.mask([configMap, sealed, nil]) == [configMap, sealed, nil])
    }
}
