import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

@Suite("Application manifests and their CRD")
struct ApplicationTests {
    static let argoManifest = """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: guestbook, namespace: argocd}
        spec:
          project: default
          source:
            repoURL: https://github.com/argoproj/argocd-example-apps.git
            targetRevision: HEAD
            path: guestbook
            helm: {releaseName: gb}
          destination: {server: "https://kubernetes.default.svc", namespace: guestbook}
          syncPolicy:
            automated: {prune: true, selfHeal: true}
            syncOptions: [CreateNamespace=true, PrunePropagationPolicy=foreground]
            retry: {limit: 3, backoff: {duration: 10s, factor: 3, maxDuration: 2m}}
          ignoreDifferences:
          - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}
        """

    @Test("an Argo CD Application reads as it is")
    func readsArgoApplication() throws {
        let app = try Application(manifest: try YAMLReader.value(Self.argoManifest))
        #expect(app.name == "guestbook" && app.namespace == "argocd")
        #expect(app.spec.source.repoURL == "https://github.com/argoproj/argocd-example-apps.git")
        #expect(app.spec.source.path == "guestbook")
        #expect(app.spec.source.options["helm"] == ["releaseName": "gb"])
        #expect(app.spec.destination.namespace == "guestbook")
        #expect(app.spec.syncPolicy.automated == AutomatedSync(prune: true, selfHeal: true))
        #expect(app.spec.syncPolicy.syncOptions.createNamespace)
        #expect(app.spec.syncPolicy.syncOptions.prunePropagationPolicy == "foreground")
        #expect(
            app.spec.syncPolicy.retry == SyncRetry(limit: 3, durationSeconds: 10, factor: 3, maxDurationSeconds: 120))
        #expect(app.spec.ignoreDifferences.count == 1)
    }

    @Test(
        "spec.sources as Argo CD writes them: source ignored, ref sources lend files and render nothing without a path")
    func readsSources() throws {
        let app = try Application(
            manifest: try YAMLReader.value(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: web, namespace: argocd}
                spec:
                  source: {repoURL: https://ignored.example.com/repo.git, path: x}
                  sources:
                  - repoURL: https://charts.example.com
                    chart: webapp
                    targetRevision: 1.4.*
                    helm: {valueFiles: [$values/envs/prod.yaml]}
                  - repoURL: https://github.com/org/config.git
                    targetRevision: main
                    ref: values
                  - repoURL: https://github.com/org/config.git
                    targetRevision: main
                    path: extras
                    ref: extras
                  destination: {namespace: web}
                """))
        #expect(
            app.spec.sources.map(\.repoURL) == [
                "https://charts.example.com", "https://github.com/org/config.git", "https://github.com/org/config.git",
            ])
        #expect(app.spec.source == app.spec.sources[0], "source is the first of sources")
        #expect(app.spec.allSources == app.spec.sources)
        #expect(app.spec.sources.map(\.ref) == ["", "values", "extras"])
        #expect(app.spec.sources.map(\.renders) == [true, false, true])
        #expect(app.spec.sources[0].chart == "webapp")
        var spec = app.spec
        spec.source.targetRevision = "1.4.2"
        #expect(spec.sources[0].targetRevision == "1.4.2", "setting source sets the first of sources")
    }

    @Test(
        "bad manifests are refused with the field named",
        arguments: [
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}", "expected apiVersion moor.dev/v1alpha1"),
            ("apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {}", "metadata.name"),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {}",
                "spec.source is required"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {source: {path: x}}",
                "spec.source.repoURL is required"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {sources: [{repoURL: x}, {path: y}]}",
                "spec.sources[1].repoURL is required"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {sources: [{repoURL: r1, ref: v}, {repoURL: r2, ref: v, path: a}]}",
                "two spec.sources have the same ref"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {sources: [{repoURL: x, ref: v}]}",
                "every spec.sources entry is a ref without a path"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {source: {repoURL: x}, syncPolicy: {syncOptions: [Bogus=true]}}",
                "unknown syncOptions Bogus=true"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {source: {repoURL: x}, syncPolicy: {syncOptions: [Prune=flase]}}",
                "unknown syncOptions Prune=flase; known: Prune, Replace, ServerSideApply, CreateNamespace, ForceConflicts, Validate (each =true or =false)"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {source: {repoURL: x}, syncPolicy: {syncOptions: [PrunePropagationPolicy=sideways]}}",
                "unknown syncOptions PrunePropagationPolicy=sideways"
            ),
            (
                "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {source: {repoURL: x}, syncPolicy: {retry: {backoff: {duration: soon}}}}",
                "is not a duration"
            ),
        ])
    func refusals(yaml: String, expected: String) throws {
        let error = #expect(throws: ApplicationError.self) { try Application(manifest: try YAMLReader.value(yaml)) }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test("durations read like Go's", arguments: [("5s", 5.0), ("3m", 180), ("1h30m", 5400), ("250ms", 0.25)])
    func durations(text: String, seconds: Double) {
        #expect(Application.parseDuration(text) == seconds)
    }

    @Test("the published CRD file is exactly what moor install prints")
    func publishedCRD() throws {
        let path = TestCluster.repositoryRoot + "/deploy/crds/applications.moor.dev.yaml"
        let published = try String(contentsOfFile: path, encoding: .utf8)
        #expect(published == YAMLWriter.document(Application.customResourceDefinition))
    }

    @Test("the API server accepts a valid Application and rejects one without a repoURL")
    func crdValidates() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        _ = try await client.apply(Application.customResourceDefinition, fieldManager: "moor")
        var resource: APIResource?
        _ = try await Patience.waitUntil {
            resource = try? await client.resource(apiVersion: Application.apiVersion, kind: "Application")
            return resource != nil
        }
        #expect(resource?.namespaced == true)
        try await cluster.withNamespace(client) { ns in
            var manifest = try YAMLReader.value(Self.argoManifest)
            manifest["apiVersion"] = .string(Application.apiVersion)
            manifest[path: "metadata", "namespace"] = .string(ns)
            let stored = try await client.apply(manifest, fieldManager: "moor")
            #expect(try Application(manifest: stored).spec.source.path == "guestbook")
            manifest[path: "metadata", "name"] = "broken"
            manifest[path: "spec", "source", "repoURL"] = nil
            let error = await #expect(throws: KubeAPIError.self) {
                _ = try await client.apply(manifest, fieldManager: "moor")
            }
            #expect(error?.code == .invalid)
            #expect(error?.causes.contains { $0.field.contains("spec.source.repoURL") } == true)
        }
        await client.shutdown()
    }
}
