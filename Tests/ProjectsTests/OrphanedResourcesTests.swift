import MoorCore
import MoorYAML
import Projects
import Testing

/// Which objects of a namespace are orphaned (Argo CD's definition), as a table.
@Suite("Orphaned resources")
struct OrphanedResourcesTests {
    static let namespace = """
        # managed by an application
        {apiVersion: v1, kind: ConfigMap, metadata: {name: tracked, namespace: team, annotations: {moor.dev/tracking-id: "shop:/ConfigMap:team/tracked"}}}
        ---
        # made by hand: orphaned
        {apiVersion: v1, kind: ConfigMap, metadata: {name: debug, namespace: team}}
        ---
        {apiVersion: apps/v1, kind: Deployment, metadata: {name: by-hand, namespace: team}}
        ---
        # owned by another object: not top-level
        {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: shop-1, namespace: team, ownerReferences: [{kind: Deployment, name: shop}]}}
        ---
        # made by Kubernetes itself
        {apiVersion: v1, kind: ServiceAccount, metadata: {name: default, namespace: team}}
        ---
        {apiVersion: v1, kind: Secret, type: kubernetes.io/service-account-token, metadata: {name: default-token-x, namespace: team, annotations: {kubernetes.io/service-account.name: default}}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: kube-root-ca.crt, namespace: team}}
        ---
        {apiVersion: v1, kind: Endpoints, metadata: {name: web, namespace: team}}
        ---
        {apiVersion: v1, kind: Event, metadata: {name: web.1, namespace: team}}
        ---
        {apiVersion: moor.dev/v1alpha1, kind: Application, metadata: {name: shop, namespace: team}}
        ---
        # ignored by the project
        {apiVersion: v1, kind: ConfigMap, metadata: {name: cert-cache-1, namespace: team}}
        ---
        # a kind the project denies
        {apiVersion: v1, kind: ResourceQuota, metadata: {name: quota, namespace: team}}
        ---
        # another ServiceAccount's token is no exception
        {apiVersion: v1, kind: Secret, type: kubernetes.io/service-account-token, metadata: {name: ci-token, namespace: team, annotations: {kubernetes.io/service-account.name: ci}}}
        """

    static func project(_ orphaned: String) throws -> AppProject {
        try AppProject(
            manifest: YAMLReader.value(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: AppProject
                metadata: {name: team}
                spec:
                  namespaceResourceBlacklist: [{group: "", kind: ResourceQuota}]
                  \(orphaned)
                """))
    }

    @Test(
        "top-level objects no application tracks are orphaned, but for what Kubernetes makes, ignores and denied kinds")
    func orphans() throws {
        let live = try YAMLReader.documents(Self.namespace).map(\.value)
        let project = try Self.project(
            "orphanedResources: {warn: true, ignore: [{kind: ConfigMap, name: 'cert-cache-*'}]}")
        #expect(
            project.orphanedResources
                == OrphanedResourcesPolicy(
                    warn: true, ignore: [GroupKindPattern(group: "", kind: "ConfigMap", name: "cert-cache-*")]))
        #expect(
            Set(project.orphans(among: live).map(\.description)) == [
                "ConfigMap team/debug", "Deployment team/by-hand", "Secret team/ci-token",
            ])
    }

    @Test("a project without orphanedResources monitors nothing; warn false still finds them")
    func monitoring() throws {
        let live = try YAMLReader.documents(Self.namespace).map(\.value)
        #expect(try Self.project("").orphans(among: live).isEmpty)
        #expect(try Self.project("orphanedResources: {}").orphans(among: live).count == 4)
        #expect(try Self.project("orphanedResources: {}").orphanedResources?.warn == false)
    }

    @Test("an ignore entry without a kind is refused, naming the field")
    func badIgnore() {
        let error = #expect(throws: ProjectError.self) { try Self.project("orphanedResources: {ignore: [{name: x}]}") }
        #expect(error?.message.contains("orphanedResources.ignore[0].kind is required") == true)
    }
}
