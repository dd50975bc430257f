import Foundation
import MoorCore
import Render
import Testing

@Suite("Kustomize sources")
struct KustomizeRendererTests {
    /// A base with a Deployment and a Service, an overlay adding a ConfigMap and a generator.
    static let files: [String: String] = [
        "base/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "base/deploy.yaml": """
        # the web tier
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx:1.0
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
        """,
        "overlays/prod/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
        - ../../base
        - config.yaml
        configMapGenerator:
        - name: settings
          literals: [mode=prod]
        """,
        "overlays/prod/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
    ]

    @Test("objects are located in the files kustomize read them from")
    func locations() async throws {
        let tree = try TestTree(Self.files)
        defer { tree.remove() }
        let objects = try await tree.render(RenderOptions(path: "overlays/prod"))
        let byName = Dictionary(uniqueKeysWithValues: zip(objects.names, objects.locations))
        #expect(byName["Deployment/web"] == "base/deploy.yaml:2")
        #expect(byName["Service/web"] == "base/deploy.yaml:16")
        #expect(byName["ConfigMap/plain"] == "overlays/prod/config.yaml:1")
        let generated = try #require(
            objects.first { $0.object[path: "metadata", "name"]?.stringValue?.hasPrefix("settings-") == true })
        #expect(generated.source.description == "overlays/prod/kustomization.yaml")
        for object in objects {
            #expect(object.object[path: "metadata", "annotations", "config.kubernetes.io/origin"] == nil)
        }
        #expect(objects.first { $0.ref?.name == "plain" }?.object[path: "metadata", "annotations"] == nil)
    }

    @Test("Argo CD's overrides are applied like kustomize edit")
    func overrides() async throws {
        var files = Self.files
        files["overlays/prod/kustomization.yaml"]! += "\nimages:\n- name: nginx\n  newTag: '0.9'\n"
        let tree = try TestTree(files)
        defer { tree.remove() }
        let options = KustomizeOptions(
            namePrefix: "prod-", nameSuffix: "-v2", images: ["nginx=registry.example.com/nginx:1.25"],
            commonLabels: ["team": "web"], commonAnnotations: ["owner": "ops"], namespace: "shop")
        let objects = try await tree.render(RenderOptions(path: "overlays/prod", source: .kustomize(options)))
        let deployment = try #require(objects.first { $0.ref?.kind == "Deployment" })
        #expect(
            deployment.ref
                == ObjectRef(group: "apps", version: "v1", kind: "Deployment", namespace: "shop", name: "prod-web-v2"))
        #expect(deployment.object[path: "metadata", "labels", "team"] == "web")
        #expect(deployment.object[path: "metadata", "annotations"] == ["owner": "ops"])
        let image = deployment.object[path: "spec", "template", "spec", "containers"]?[0]?["image"]
        #expect(image == "registry.example.com/nginx:1.25")
        #expect(deployment.source.description == "base/deploy.yaml:2")
    }

    @Test("a resource outside the checkout is refused before kustomize runs")
    func resourceOutside() async throws {
        let tree = try TestTree([
            "app/kustomization.yaml": "resources:\n- deploy.yaml\n- ../../etc\n",
            "app/deploy.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        ])
        defer { tree.remove() }
        let marker = try tree.writeOutside("ran", "")
        let tool = try tree.writeOutside("kustomize", "#!/bin/sh\necho ran > \(marker)\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        try FileManager.default.removeItem(atPath: marker)
        let error = await tree.renderError(
            RenderOptions(path: "app"), configuration: RenderConfiguration(kustomizePath: tool))
        #expect(error?.code == .pathOutsideRepository)
        #expect(
            error?.description
                == "app/kustomization.yaml:3: resources entry '../../etc' leaves the repository; paths must stay inside "
                + "the checkout")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test(
        "paths in included bases, patches and generators are confined too",
        arguments: [
            ("patches:\n- path: ../../secret.yaml\n", "patches.path entry '../../secret.yaml'"),
            (
                "configMapGenerator:\n- name: x\n  files: [key=../../secret.yaml]\n",
                "configMapGenerator.files entry '../../secret.yaml'"
            ),
            (
                "components:\n- /etc\n",
                "components entry '/etc' is an absolute path; write it relative to the repository"
            ),
        ])
    func nestedReferences(addition: String, expected: String) async throws {
        let tree = try TestTree([
            "app/kustomization.yaml": "resources: [../base]\n",
            "base/kustomization.yaml": "resources: [cm.yaml]\n" + addition,
            "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        ])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location?.file == "base/kustomization.yaml")
        #expect(error?.message.hasPrefix(expected) == true)
    }

    @Test("a resource symlinked out of the checkout is refused")
    func symlinkedResource() async throws {
        let tree = try TestTree(["app/kustomization.yaml": "resources:\n- linked.yaml\n"])
        defer { tree.remove() }
        let outside = try tree.writeOutside("outside.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
        try tree.symlink("app/linked.yaml", to: outside)
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location == SourceLocation(file: "app/kustomization.yaml", line: 2))
    }

    @Test("`..` in a base reached through a symlinked directory climbs from the symlink's target")
    func symlinkedBase() async throws {
        let tree = try TestTree([
            "app/kustomization.yaml": "resources:\n- x/y/base\n",
            "b/kustomization.yaml": "resources:\n- ../../../outside.yaml\n",
        ])
        defer { tree.remove() }
        _ = try tree.writeOutside("outside.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\n")
        try tree.symlink("app/x/y/base", to: "../../../b")
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location == SourceLocation(file: "b/kustomization.yaml", line: 2))
    }

    @Test("a failing kustomize build reports its stderr")
    func failingBuild() async throws {
        let tree = try TestTree(["app/kustomization.yaml": "resources:\n- missing.yaml\n"])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .toolFailed)
        #expect(error?.location == SourceLocation(file: "app/kustomization.yaml", line: 0))
        #expect(error?.message.hasPrefix("kubectl kustomize failed (exit status 1): accumulating resources: ") == true)
        #expect(error?.message.contains("lstat app/missing.yaml: no such file or directory") == true)
        #expect(error?.message.contains(tree.root) == false)
    }

    @Test("an invalid kustomization is a syntax error with its line")
    func invalidKustomization() async throws {
        let tree = try TestTree(["app/kustomization.yaml": "resources:\n- a.yaml\n  - b: [\n"])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .invalidSyntax)
        #expect(error?.location?.file == "app/kustomization.yaml")
    }

    @Test("explicit kustomize options on a directory without a kustomization")
    func missingKustomization() async throws {
        let tree = try TestTree(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"])
        defer { tree.remove() }
        let error = await tree.renderError(
            RenderOptions(path: "app", source: .kustomize(KustomizeOptions(namePrefix: "x-"))))
        #expect(error?.description == "'app' has no kustomization.yaml, kustomization.yml or Kustomization file")
    }

    @Test(
        "image overrides work like kustomize edit set image",
        arguments: [
            ("nginx:1.25", "nginx:1.25"),
            ("nginx@sha256:abc", "nginx@sha256:abc"),
            ("nginx=registry.example.com:5000/nginx:1.25", "registry.example.com:5000/nginx:1.25"),
            ("nginx=my/nginx", "my/nginx:0.9"),
            ("other:2", "nginx:0.9"),
        ])
    func imageOverride(text: String, expected: String) async throws {
        var files = Self.files
        files["overlays/prod/kustomization.yaml"]! += "\nimages:\n- name: nginx\n  newTag: '0.9'\n"
        let tree = try TestTree(files)
        defer { tree.remove() }
        let options = RenderOptions(path: "overlays/prod", source: .kustomize(KustomizeOptions(images: [text])))
        let objects = try await tree.render(options)
        let deployment = try #require(objects.first { $0.ref?.kind == "Deployment" })
        #expect(deployment.object[path: "spec", "template", "spec", "containers"]?[0]?["image"] == .string(expected))
    }

    @Test("the kustomization is restored after the build, also when it fails")
    func restored() async throws {
        let tree = try TestTree(Self.files.merging(["broken/kustomization.yaml": "resources: [missing.yaml]\n"]) { $1 })
        defer { tree.remove() }
        let options = KustomizeOptions(namePrefix: "x-", images: ["nginx:2"])
        _ = try await tree.render(RenderOptions(path: "overlays/prod", source: .kustomize(options)))
        #expect(try tree.read("overlays/prod/kustomization.yaml") == Self.files["overlays/prod/kustomization.yaml"])
        _ = await tree.renderError(RenderOptions(path: "broken", source: .kustomize(options)))
        #expect(try tree.read("broken/kustomization.yaml") == "resources: [missing.yaml]\n")
    }

    @Test("a malformed image override is an options error", arguments: ["", "nginx:", "=x:1", "a b"])
    func invalidImage(text: String) async throws {
        let tree = try TestTree(["app/kustomization.yaml": "resources: []\n"])
        defer { tree.remove() }
        let error = await tree.renderError(
            RenderOptions(path: "app", source: .kustomize(KustomizeOptions(images: [text]))))
        #expect(error?.code == .invalidOptions)
        #expect(error?.message.hasPrefix("kustomize.images entry") == true)
    }
}
