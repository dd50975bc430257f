import Diff
import MoorCore
import Testing

@Suite("ignoreDifferences rules")
struct IgnoreRuleTests {
    private let desired = Fixtures.object(Fixtures.desiredDeployment)
    private let live = Fixtures.object(Fixtures.liveDeployment)
    private let ref = ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "shop", name: "web")

    private func policy(_ yaml: String) throws -> DiffPolicy {
        try DiffPolicy(ignoreDifferences: Fixtures.object(yaml).arrayValue ?? [])
    }

    // MARK: - Reading rules

    @Test("read Argo CD's field names")
    func readsEntry() throws {
        let rule = try IgnoreRule(
            json: Fixtures.object(
                """
                group: apps
                kind: Deployment
                name: web
                namespace: shop
                jsonPointers: [/spec/replicas]
                jqPathExpressions: [".spec.template.spec.containers[].image"]
                managedFieldsManagers: [kube-controller-manager]
                """))
        #expect(rule.group == "apps" && rule.kind == "Deployment" && rule.name == "web" && rule.namespace == "shop")
        #expect(rule.jsonPointers.map(\.description) == ["/spec/replicas"])
        #expect(rule.jqPaths.map(\.description) == [".spec.template.spec.containers[].image"])
        #expect(rule.managedFieldsManagers == ["kube-controller-manager"])
    }

    @Test(
        "refuse malformed entries, naming the entry and the field",
        arguments: [
            ("[x]", "ignoreDifferences[0]: an ignoreDifferences entry must be an object"),
            ("[{group: apps}]", "ignoreDifferences[0]: kind is required"),
            ("[{kind: 1}]", "ignoreDifferences[0]: kind must be a string"),
            ("[{kind: D, jsonPointer: [/a]}]", "ignoreDifferences[0]: unknown field \"jsonPointer\"; use group,"),
            ("[{kind: D, jsonPointers: /a}]", "ignoreDifferences[0]: jsonPointers must be a list of strings"),
            ("[{kind: D, jsonPointers: [/a, 2]}]", "ignoreDifferences[0]: jsonPointers[1] must be a string"),
            ("[{kind: D}, {kind: D, jsonPointers: [a]}]", "ignoreDifferences[1]: jsonPointers[0]: JSON pointer \"a\""),
            (
                "[{kind: D, jqPathExpressions: [\".a | map(.b)\"]}]",
                "ignoreDifferences[0]: jqPathExpressions[0]: JQ path \".a | map(.b)\" at column 6"
            ),
        ])
    func refuses(yaml: String, message: String) {
        #expect {
            try policy(yaml)
        } throws: { error in
            String(describing: error).hasPrefix(message)
        }
    }

    @Test(
        "match objects by group and kind, and by name and namespace when given; * and ? are wildcards",
        arguments: [
            (IgnoreRule(group: "apps", kind: "Deployment"), true),
            (IgnoreRule(kind: "Deployment"), false),
            (IgnoreRule(group: "*", kind: "*"), true),
            (IgnoreRule(group: "apps", kind: "Deploy*"), true),
            (IgnoreRule(group: "apps", kind: "StatefulSet"), false),
            (IgnoreRule(group: "apps", kind: "Deployment", name: "web"), true),
            (IgnoreRule(group: "apps", kind: "Deployment", name: "api"), false),
            (IgnoreRule(group: "apps", kind: "Deployment", name: "w?b"), true),
            (IgnoreRule(group: "apps", kind: "Deployment", namespace: "prod"), false),
        ])
    func matches(rule: IgnoreRule, expected: Bool) {
        #expect(rule.matches(ref) == expected)
    }

    // MARK: - Ignoring

    @Test("a JSON pointer hides a field an autoscaler changes")
    func byPointer() throws {
        var live = self.live
        live[path: "spec", "replicas"] = 7
        #expect(!DiffPolicy().isDesiredSubsetOfLive(desired: desired, live: live))
        let policy = try policy("[{group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}]")
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: live))
        let diff = policy.diff(ref: ref, desired: desired, live: live)
        #expect(diff.state == .synced)
        #expect(diff.live?[path: "spec", "replicas"] == nil && diff.desired?[path: "spec", "replicas"] == nil)
    }

    @Test("a JSON pointer with an escaped slash hides one annotation")
    func byEscapedPointer() throws {
        var desired = self.desired
        var live = self.live
        desired[path: "metadata", "annotations", "example.com/note"] = "from git"
        live[path: "metadata", "annotations", "example.com/note"] = "edited by hand"
        let policy = try policy(
            "[{group: apps, kind: Deployment, jsonPointers: [/metadata/annotations/example.com~1note]}]")
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: live))
    }

    @Test("a JQ path selecting a container by name hides only that container's field")
    func byJQSelect() throws {
        var live = Fixtures.edited(
            Fixtures.liveDeployment, replacing: "image: busybox:1.36", with: "image: busybox:1.37")
        let policy = try policy(
            """
            - group: apps
              kind: Deployment
              jqPathExpressions:
              - .spec.template.spec.containers[] | select(.name == "sidecar") | .image
            """)
        #expect(policy.diff(ref: ref, desired: desired, live: live).state == .synced)
        live = Fixtures.edited(Fixtures.liveDeployment, replacing: "image: nginx:1.27", with: "image: nginx:1.28")
        let diff = policy.diff(ref: ref, desired: desired, live: live)
        #expect(diff.state == .outOfSync)
        #expect(diff.changes.map(\.description) == ["spec.template.spec.containers[name=web].image (changed)"])
    }

    @Test("a rule naming a namespace also applies to a desired object that leaves its namespace unset")
    func namespaceFromLive() throws {
        var desired = self.desired
        desired[path: "metadata", "namespace"] = nil
        var live = self.live
        live[path: "spec", "replicas"] = 7
        let policy = try policy("[{group: apps, kind: Deployment, namespace: shop, jsonPointers: [/spec/replicas]}]")
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: live))
    }

    @Test("a rule for another kind changes nothing")
    func otherKind() throws {
        var live = self.live
        live[path: "spec", "replicas"] = 7
        let policy = try policy("[{group: apps, kind: StatefulSet, jsonPointers: [/spec/replicas]}]")
        #expect(!policy.isDesiredSubsetOfLive(desired: desired, live: live))
    }

    /// The Deployment as a cluster with an autoscaler and a sidecar injector leaves it: the controller manager
    /// scaled it through the scale subresource, the injector added a container, an env var and a finalizer.
    static let managedLive = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels:
            app: web
          finalizers: [injector.example.com/cleanup]
          managedFields:
          - manager: moor
            operation: Apply
            apiVersion: apps/v1
            time: "2025-01-01T00:00:00Z"
            fieldsType: FieldsV1
            fieldsV1:
              f:metadata:
                f:labels:
                  f:app: {}
              f:spec:
                f:replicas: {}
                f:selector: {}
                f:template:
                  f:metadata:
                    f:labels:
                      f:app: {}
                  f:spec:
                    f:containers:
                      k:{"name":"web"}:
                        .: {}
                        f:image: {}
                        f:name: {}
          - manager: kube-controller-manager
            operation: Update
            apiVersion: apps/v1
            subresource: scale
            fieldsType: FieldsV1
            fieldsV1:
              f:spec:
                f:replicas: {}
          - manager: sidecar-injector
            operation: Update
            apiVersion: apps/v1
            fieldsType: FieldsV1
            fieldsV1:
              f:metadata:
                f:finalizers:
                  .: {}
                  v:"injector.example.com/cleanup": {}
              f:spec:
                f:template:
                  f:spec:
                    f:containers:
                      k:{"name":"istio-proxy"}:
                        .: {}
                        f:image: {}
                        f:name: {}
                      k:{"name":"web"}:
                        f:env:
                          .: {}
                          k:{"name":"PROXY_PORT"}:
                            .: {}
                            f:name: {}
                            f:value: {}
        spec:
          replicas: 5
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                env:
                - name: PROXY_PORT
                  value: "15001"
              - name: istio-proxy
                image: istio/proxyv2:1.24
        """

    @Test("managedFieldsManagers hide every field those managers own, whole injected list elements included")
    func byManagers() throws {
        let desired = Fixtures.object(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
              labels:
                app: web
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """)
        let live = Fixtures.object(Self.managedLive)
        #expect(!DiffPolicy().isDesiredSubsetOfLive(desired: desired, live: live))
        let policy = try policy(
            "[{group: apps, kind: Deployment, managedFieldsManagers: [kube-controller-manager, sidecar-injector]}]")
        #expect(policy.isDesiredSubsetOfLive(desired: desired, live: live))
        #expect(policy.normalizedEqual(desired, live: live))
        let diff = policy.diff(ref: ref, desired: desired, live: live)
        #expect(diff.state == .synced)
        #expect(diff.live?[path: "spec", "template", "spec", "containers"]?.arrayValue?.count == 1)
    }
}
