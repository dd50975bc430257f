import Diff
import MoorCore
import Testing

/// One edit to the live Deployment fixture and whether Git's Deployment is still a subset of it.
struct LiveVariant: Sendable, CustomTestStringConvertible {
    let name: String
    let find: String
    let replacement: String
    let inSync: Bool

    var testDescription: String { name }
    var live: JSONValue { Fixtures.edited(Fixtures.liveDeployment, replacing: find, with: replacement) }
}

@Suite("Subset comparison: is an apply needed at all?")
struct SubsetComparisonTests {
    private let policy = DiffPolicy()
    private let desired = Fixtures.object(Fixtures.desiredDeployment)

    @Test("the live object with server defaults, metadata and status contains the desired one")
    func liveWithDefaults() {
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: Fixtures.object(Fixtures.liveDeployment)))
    }

    static let variants: [LiveVariant] = [
        LiveVariant(
            name: "replicas changed", find: "replicas: 2\n  progress", replacement: "replicas: 3\n  progress",
            inSync: false),
        LiveVariant(name: "image changed", find: "image: nginx:1.27", replacement: "image: nginx:1.28", inSync: false),
        LiveVariant(
            name: "label removed", find: "  labels:\n    app: web\n  annotations:",
            replacement: "  annotations:", inSync: false),
        LiveVariant(name: "env var value changed", find: "value: \"2\"", replacement: "value: \"3\"", inSync: false),
        LiveVariant(
            name: "env var removed", find: "\n        - name: B\n          value: \"2\"", replacement: "",
            inSync: false),
        LiveVariant(
            name: "extra env var in live", find: "    - name: B\n",
            replacement: "    - name: C\n          value: x\n        - name: B\n", inSync: false),
        LiveVariant(
            name: "env vars in another order",
            find: "- name: A\n          value: \"1\"\n        - name: B\n          value: \"2\"",
            replacement: "- name: B\n          value: \"2\"\n        - name: A\n          value: \"1\"", inSync: true),
        LiveVariant(
            name: "positional list element changed", find: "args: [sleep, \"3600\"]",
            replacement: "args: [sleep, \"60\"]", inSync: false),
        LiveVariant(
            name: "positional list reordered", find: "args: [sleep, \"3600\"]",
            replacement: "args: [\"3600\", sleep]", inSync: false),
        LiveVariant(
            name: "positional list longer", find: "args: [sleep, \"3600\"]",
            replacement: "args: [sleep, \"3600\", \"--verbose\"]", inSync: false),
        LiveVariant(
            name: "quantity spelled differently", find: "memory: 1Gi", replacement: "memory: 1024Mi",
            inSync: true),
        LiveVariant(name: "quantity changed", find: "memory: 1Gi", replacement: "memory: 2Gi", inSync: false),
        LiveVariant(
            name: "port under another protocol", find: "protocol: TCP", replacement: "protocol: UDP",
            inSync: false),
    ]

    @Test("live variants", arguments: variants)
    func variant(_ variant: LiveVariant) {
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: variant.live) == variant.inSync)
    }

    @Test("keyed lists pair elements by key, in any order")
    func keyedListOrder() {
        var live = Fixtures.object(Fixtures.liveDeployment)
        let containers = live[path: "spec", "template", "spec", "containers"]?.arrayValue ?? []
        live[path: "spec", "template", "spec", "containers"] = .array(containers.reversed())
        #expect(containers.count == 2)
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: live))
    }

    /// Values the API server treats as equal, as `(desired member, live member)` in a ConfigMap-like object.
    static let equivalentValues: [(String, JSONValue?, JSONValue?)] = [
        ("null means unset", nil, nil),
        ("null in desired, value in live", .null, "anything"),
        ("empty map in desired, absent in live", .emptyObject, nil),
        ("empty list in desired, absent in live", [], nil),
        ("map of empties in desired, absent in live", ["securityContext": .emptyObject], nil),
        ("false in desired, omitted by a built-in kind", false, nil),
        ("zero in desired, omitted by a built-in kind", 0, nil),
        ("empty string in desired, omitted by a built-in kind", "", nil),
        ("int and double of one value", 1, 1.0),
    ]

    @Test("equivalent values", arguments: equivalentValues)
    func equivalent(name: String, desiredValue: JSONValue?, liveValue: JSONValue?) {
        var desired: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": .emptyObject]
        var live = desired
        desired[path: "spec", "field"] = desiredValue ?? .null
        live[path: "spec", "field"] = liveValue
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: live), "\(name)")
    }

    @Test(
        "quantities compare by value under resource maps",
        arguments: [
            (JSONValue.int(1), JSONValue.string("1"), true), (0.5, "500m", true), ("1024Mi", "1Gi", true),
            ("1e3", "1k", true), ("2", "2000m", true), ("1Gi", "1G", false), ("100m", "0.2", false),
        ])
    func quantities(desiredValue: JSONValue, liveValue: JSONValue, equal: Bool) {
        let pod: (JSONValue) -> JSONValue = { value in
            [
                "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"],
                "spec": ["resources": ["limits": ["cpu": value]]],
            ]
        }
        #expect(policy.isDesiredSubsetOfLive(desired: pod(desiredValue), live: pod(liveValue)) == equal)
    }

    @Test("an int and a string are different outside quantities (int-or-string fields mean different things)")
    func intOrString() {
        let service: (JSONValue) -> JSONValue = { port in
            ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "s"], "spec": ["targetPort": port]]
        }
        #expect(!policy.isDesiredSubsetOfLive(desired: service(8080), live: service("8080")))
    }

    @Test("custom resources keep explicit zero values: false is not the same as absent")
    func customResourceZeroValues() {
        let desired: JSONValue = [
            "apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w"],
            "spec": ["enabled": false],
        ]
        var live = desired
        live[path: "spec", "enabled"] = nil
        #expect(!policy.isDesiredSubsetOfLive(desired: desired, live: live))
        #expect(policy.subsetDifferences(desired: desired, live: live).map(\.description) == ["spec.enabled (added)"])
    }

    @Test("subset differences name each differing field and stop at the limit")
    func differences() {
        let live = Fixtures.edited(Fixtures.liveDeployment, replacing: "image: nginx:1.27", with: "image: nginx:1.28")
        var desired = self.desired
        desired[path: "spec", "replicas"] = 5
        let all = policy.subsetDifferences(desired: desired, live: live).map(\.description)
        #expect(all == ["spec.replicas (changed)", "spec.template.spec.containers[name=web].image (changed)"])
        #expect(policy.subsetDifferences(desired: desired, live: live, limit: 1).count == 1)
    }
}

@Suite("Normalised equality: is a dry-run result the same as the live object?")
struct NormalizedEqualityTests {
    private let policy = DiffPolicy()
    private let live = Fixtures.object(Fixtures.liveDeployment)

    @Test("a dry-run result differing only in server metadata and status is equal")
    func serverMetadataOnly() {
        var predicted = live
        predicted[path: "metadata", "resourceVersion"] = "48214"
        predicted[path: "metadata", "generation"] = 4
        predicted[path: "metadata", "managedFields"] = []
        predicted["status"] = ["replicas": 0]
        #expect(policy.normalizedEqual(predicted, live: live))
    }

    @Test(
        "every field of either side counts",
        arguments: [("spec", "replicas", JSONValue.int(3)), ("spec", "paused", true)])
    func anyField(section: String, field: String, value: JSONValue) {
        var predicted = live
        predicted[path: section, field] = value
        #expect(!policy.normalizedEqual(predicted, live: live))
    }

    @Test("a field only the live object has counts")
    func liveOnlyField() {
        var predicted = live
        predicted[path: "spec", "revisionHistoryLimit"] = nil
        #expect(!policy.normalizedEqual(predicted, live: live))
    }
}
