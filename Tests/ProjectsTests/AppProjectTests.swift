import Foundation
import MoorCore
import MoorYAML
import Projects
import Testing

@Suite("Reading AppProject manifests")
struct AppProjectTests {
    static let argoManifest = """
        apiVersion: argoproj.io/v1alpha1
        kind: AppProject
        metadata:
          name: team-a
          namespace: argocd
        spec:
          description: Team A
          sourceRepos:
          - '!https://github.com/org/secret'
          - 'https://github.com/org/*'
          destinations:
          - namespace: 'team-a-*'
            server: https://kubernetes.default.svc
            name: in-cluster
          - namespace: '!kube-system'
            server: '*'
          clusterResourceWhitelist:
          - group: ''
            kind: Namespace
          clusterResourceBlacklist:
          - group: ''
            kind: Namespace
            name: 'kube-*'
          namespaceResourceWhitelist:
          - group: 'apps'
            kind: '*'
          namespaceResourceBlacklist:
          - group: ''
            kind: ResourceQuota
          sourceNamespaces: [team-a-apps, 'team-a-*']
          orphanedResources:
            warn: true
          roles:
          - name: read-only
            policies: ['p, proj:team-a:read-only, applications, get, team-a/*, allow']
          syncWindows:
          - kind: allow
            schedule: '0 22 * * *'
            duration: 1h30m
            applications: ['*']
          - kind: deny
            schedule: '0 9 * * MON-FRI'
            duration: 8h
            timeZone: Europe/Berlin
            namespaces: ['*-prod']
            clusters: [in-cluster]
            manualSync: true
            andOperator: true
            description: office hours
          destinationServiceAccounts:
          - server: https://kubernetes.default.svc
            namespace: 'team-a-*'
            defaultServiceAccount: deployer
          - server: '*'
            namespace: '*'
            defaultServiceAccount: 'moor-system:fallback'
        """

    @Test("an Argo CD AppProject reads field by field")
    func readsArgo() throws {
        let project = try AppProject(manifest: try YAMLReader.value(Self.argoManifest))
        #expect(project.name == "team-a")
        #expect(project.namespace == "argocd")
        #expect(project.sourceRepos == ["!https://github.com/org/secret", "https://github.com/org/*"])
        #expect(
            project.destinations == [
                ProjectDestination(server: "https://kubernetes.default.svc", name: "in-cluster", namespace: "team-a-*"),
                ProjectDestination(server: "*", namespace: "!kube-system"),
            ])
        #expect(project.clusterResourceWhitelist == [GroupKindPattern(group: "", kind: "Namespace")])
        #expect(project.clusterResourceBlacklist == [GroupKindPattern(group: "", kind: "Namespace", name: "kube-*")])
        #expect(project.namespaceResourceWhitelist == [GroupKindPattern(group: "apps", kind: "*")])
        #expect(project.namespaceResourceBlacklist == [GroupKindPattern(group: "", kind: "ResourceQuota")])
        #expect(project.sourceNamespaces == ["team-a-apps", "team-a-*"])
        #expect(project.orphanedResources == OrphanedResourcesPolicy(warn: true))
        #expect(project.syncWindows.count == 2)
        let allow = try #require(project.syncWindows.first)
        #expect(allow.kind == .allow)
        #expect(allow.schedule == (try CronSchedule("0 22 * * *")))
        #expect(allow.duration == 5400)
        #expect(allow.timeZone == TimeZone(identifier: "UTC"))
        #expect(allow.applications == ["*"])
        #expect(!allow.manualSync)
        let deny = project.syncWindows[1]
        #expect(deny.kind == .deny)
        #expect(deny.duration == 8 * 3600)
        #expect(deny.timeZone.identifier == "Europe/Berlin")
        #expect(deny.namespaces == ["*-prod"])
        #expect(deny.clusters == ["in-cluster"])
        #expect(deny.manualSync && deny.andOperator)
        #expect(deny.description == "office hours")
        #expect(
            project.destinationServiceAccounts == [
                DestinationServiceAccount(
                    server: "https://kubernetes.default.svc", namespace: "team-a-*", defaultServiceAccount: "deployer"),
                DestinationServiceAccount(server: "*", namespace: "*", defaultServiceAccount: "moor-system:fallback"),
            ])
    }

    @Test("moor.dev/v1alpha1 reads the same as argoproj.io/v1alpha1")
    func readsMoor() throws {
        var manifest = try YAMLReader.value(Self.argoManifest)
        let argo = try AppProject(manifest: manifest)
        manifest["apiVersion"] = .string(AppProject.apiVersion)
        #expect(try AppProject(manifest: manifest) == argo)
    }

    @Test("a project with no spec allows nothing but namespaced kinds")
    func emptySpec() throws {
        let project = try AppProject(
            manifest: ["apiVersion": "moor.dev/v1alpha1", "kind": "AppProject", "metadata": ["name": "empty"]])
        #expect(project == AppProject(name: "empty"))
        #expect(project.orphanedResources == nil)
    }

    /// (a change to the manifest, words the error must hold)
    static let invalid: [(String, String, String)] = [
        ("kind", "kind: Application", "expected apiVersion moor.dev/v1alpha1"),
        ("apiVersion", "apiVersion: v1", "expected apiVersion"),
        ("no name", "metadata: {namespace: argocd}", "no metadata.name"),
        ("bad repo glob", "spec: {sourceRepos: ['https://github.com/[org']}", "spec.sourceRepos[0]"),
        ("deny everything", "spec: {sourceRepos: ['!*']}", "AppProject team-a: spec.sourceRepos[0] is \"!*\""),
        ("destination !*", "spec: {destinations: [{server: '*', namespace: '!*'}]}", "spec.destinations[0].namespace"),
        (
            "bad destination glob", "spec: {destinations: [{server: 'https://{a', namespace: x}]}",
            "destinations[0].server"
        ),
        (
            "bad regex", "spec: {sourceNamespaces: ['/team-(/']}",
            "spec.sourceNamespaces[0] \"/team-(/\" is not a valid regular expression"
        ),
        (
            "bad cron zone",
            "spec: {syncWindows: [{kind: allow, schedule: 'CRON_TZ=Mars/Base 0 0 * * *', duration: 1h, applications: ['*']}]}",
            "spec.syncWindows[0].schedule: CRON_TZ=Mars/Base is not a time zone"
        ),
        ("not a list", "spec: {sourceRepos: 'https://x'}", "spec.sourceRepos must be a list"),
        (
            "kind missing", "spec: {clusterResourceWhitelist: [{group: ''}]}",
            "spec.clusterResourceWhitelist[0].kind is required"
        ),
        (
            "bad cron",
            "spec: {syncWindows: [{kind: allow, schedule: '0 22 * * *', duration: 1h, applications: ['*']}, {kind: deny, schedule: '61 * * * *', duration: 1h, applications: ['*']}]}",
            "AppProject team-a: spec.syncWindows[1].schedule: minute 61 is out of range"
        ),
        (
            "bad duration",
            "spec: {syncWindows: [{kind: allow, schedule: '@daily', duration: 1 hour, applications: ['*']}]}",
            "spec.syncWindows[0].duration \"1 hour\" is not a duration"
        ),
        (
            "no duration", "spec: {syncWindows: [{kind: allow, schedule: '@daily', applications: ['*']}]}",
            "spec.syncWindows[0].duration"
        ),
        (
            "bad time zone",
            "spec: {syncWindows: [{kind: allow, schedule: '@daily', duration: 1h, timeZone: Mars/Olympus, applications: ['*']}]}",
            "spec.syncWindows[0].timeZone \"Mars/Olympus\" is not a time zone"
        ),
        (
            "bad window kind",
            "spec: {syncWindows: [{kind: maybe, schedule: '@daily', duration: 1h, applications: ['*']}]}",
            "spec.syncWindows[0].kind \"maybe\" must be allow or deny"
        ),
        (
            "window for nothing", "spec: {syncWindows: [{kind: deny, schedule: '@daily', duration: 1h}]}",
            "spec.syncWindows[0] applies to nothing"
        ),
        (
            "empty service account",
            "spec: {destinationServiceAccounts: [{server: '*', namespace: '*', defaultServiceAccount: ''}]}",
            "spec.destinationServiceAccounts[0].defaultServiceAccount"
        ),
        (
            "spaced service account",
            "spec: {destinationServiceAccounts: [{server: '*', namespace: '*', defaultServiceAccount: 'a b'}]}",
            "no spaces"
        ),
    ]

    @Test("manifests Moor refuses, with the field named", arguments: invalid)
    func rejects(name: String, change: String, words: String) throws {
        var manifest: JSONValue = [
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
            "metadata": ["name": "team-a", "namespace": "argocd"],
        ]
        let patch = try YAMLReader.value(change)
        for (key, value) in patch.objectValue ?? JSONObject() { manifest[key] = value }
        #expect {
            try AppProject(manifest: manifest)
        } throws: { error in
            (error as? ProjectError)?.message.contains(words) == true
        }
    }

    @Test("the built-in default project allows everything")
    func builtInDefault() {
        let project = AppProject.builtInDefault(namespace: "moor")
        #expect(project.name == "default")
        #expect(project.namespace == "moor")
        #expect(project.checkSource("https://anything.example/x/y/z.git") == nil)
        #expect(project.checkDestination(server: "https://any", name: "", namespace: "any") == nil)
        #expect(project.checkDestination(server: "", name: "some-cluster", namespace: "any") == nil)
        #expect(
            project.checkObject(
                group: "rbac.authorization.k8s.io", kind: "ClusterRole", namespaced: false, namespace: "", name: "x",
                server: "https://any", clusterName: "") == nil)
        #expect(
            project.checkObject(
                group: "apps", kind: "Deployment", namespaced: true, namespace: "web", name: "x", server: "https://any",
                clusterName: "") == nil)
        #expect(project.syncWindows.isEmpty && project.sourceNamespaces.isEmpty)
        #expect(
            project.syncWindowVerdict(
                application: "a", namespace: "b", cluster: "c", at: Instant.at("2026-03-06 12:00"),
                manual: false) == .open)
    }

    @Test("the published CRD is the one Moor applies")
    func publishedCRD() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let published = try String(
            contentsOf: root.appendingPathComponent("deploy/crds/appprojects.moor.dev.yaml"), encoding: .utf8)
        #expect(published == YAMLWriter.document(AppProject.customResourceDefinition))
    }

    @Test("the CRD reads Argo CD's field names")
    func crdShape() throws {
        let crd = AppProject.customResourceDefinition
        #expect(crd[path: "metadata", "name"] == "appprojects.moor.dev")
        #expect(crd[path: "spec", "scope"] == "Namespaced")
        let spec = try #require(crd["spec"]?["versions"]?[0]?[path: "schema", "openAPIV3Schema", "properties", "spec"])
        for field in [
            "sourceRepos", "destinations", "clusterResourceWhitelist", "clusterResourceBlacklist",
            "namespaceResourceWhitelist", "namespaceResourceBlacklist", "sourceNamespaces", "orphanedResources",
            "syncWindows", "destinationServiceAccounts",
        ] {
            #expect(spec["properties"]?[field] != nil, "\(field)")
        }
        #expect(spec["x-kubernetes-preserve-unknown-fields"] == true)
    }
}
