import MoorCore
import MoorYAML
import Render
import Testing

@Suite("Render options from an Argo CD Application source")
struct RenderOptionsTests {
    static func options(_ yaml: String) throws -> RenderOptions {
        try RenderOptions(source: try YAMLReader.value(yaml))
    }

    static func error(_ yaml: String) throws -> RenderError? {
        let source = try YAMLReader.value(yaml)
        return #expect(throws: RenderError.self) { try RenderOptions(source: source) }
    }

    @Test("no type-specific options: the type is detected at render time")
    func detected() throws {
        #expect(
            try Self.options("repoURL: https://example.com/r.git\ntargetRevision: main\npath: apps/web")
                == RenderOptions(path: "apps/web", source: nil))
        #expect(try Self.options("path: x\nhelm: {}\ndirectory: {recurse: false}") == RenderOptions(path: "x"))
        #expect(try Self.options("repoURL: r") == RenderOptions(path: "."))
    }

    @Test("directory options with Jsonnet")
    func directory() throws {
        let options = try Self.options(
            """
            path: apps
            directory:
              recurse: true
              include: '{*.yaml,*.jsonnet}'
              exclude: 'test/*'
              jsonnet:
                extVars: [{name: env, value: prod}, {name: replicas, value: '3', code: true}]
                tlas: [{name: cluster, value: east}]
                libs: [vendor]
            """)
        let expected = DirectoryOptions(
            recurse: true, include: "{*.yaml,*.jsonnet}", exclude: "test/*",
            jsonnet: JsonnetOptions(
                extVars: [
                    JsonnetVariable(name: "env", value: "prod"),
                    JsonnetVariable(name: "replicas", value: "3", code: true),
                ],
                tlas: [JsonnetVariable(name: "cluster", value: "east")], libs: ["vendor"]))
        #expect(options == RenderOptions(path: "apps", source: .directory(expected)))
    }

    @Test("kustomize options")
    func kustomize() throws {
        let options = try Self.options(
            """
            path: overlays/prod
            kustomize:
              namePrefix: prod-
              nameSuffix: -v2
              images: [nginx:1.25, 'app=registry.example.com/app:2']
              commonLabels: {team: web}
              commonAnnotations: {owner: ops}
              namespace: prod
            """)
        let expected = KustomizeOptions(
            namePrefix: "prod-", nameSuffix: "-v2", images: ["nginx:1.25", "app=registry.example.com/app:2"],
            commonLabels: ["team": "web"], commonAnnotations: ["owner": "ops"], namespace: "prod")
        #expect(options == RenderOptions(path: "overlays/prod", source: .kustomize(expected)))
    }

    @Test("helm options")
    func helm() throws {
        let options = try Self.options(
            """
            path: charts/web
            helm:
              releaseName: web
              valueFiles: [values-prod.yaml]
              values: |
                replicas: 3
              valuesObject: {image: {tag: '1.2'}}
              parameters:
              - {name: image.tag, value: '1.3'}
              - {name: port, value: '80', forceString: true}
              apiVersions: [monitoring.coreos.com/v1]
              kubeVersion: v1.32.0
              namespace: prod
              skipCrds: true
            """)
        let expected = HelmOptions(
            releaseName: "web", valueFiles: ["values-prod.yaml"], values: "replicas: 3\n",
            valuesObject: ["image": ["tag": "1.2"]],
            parameters: [
                HelmParameter(name: "image.tag", value: "1.3"),
                HelmParameter(name: "port", value: "80", forceString: true),
            ],
            apiVersions: ["monitoring.coreos.com/v1"], kubeVersion: "v1.32.0", namespace: "prod", skipCrds: true)
        #expect(options == RenderOptions(path: "charts/web", source: .helm(expected)))
    }

    @Test(
        "malformed or unsupported options name the field",
        arguments: [
            (
                "helm: {releaseName: a}\nkustomize: {namePrefix: b}",
                "source.kustomize and source.helm are both set; an application has one source type, keep one"
            ),
            ("helm: {fileParameters: []}", "source.helm.fileParameters is not supported by Moor; remove it"),
            ("plugin: {name: x}", "source.plugin is not supported: Moor has no config management plugins"),
            ("directory: {recurse: 'yes please'}", "source.directory.recurse must be true or false"),
            ("helm: {valueFiles: a.yaml}", "source.helm.valueFiles must be a list of strings"),
            ("helm: {parameters: [{value: x}]}", "source.helm.parameters[0].name must be set"),
            (
                "kustomize: {commonLabels: {version: 2}}",
                "source.kustomize.commonLabels.version must be a string (quote the value)"
            ),
            ("directory: {jsonnet: {tlas: [3]}}", "source.directory.jsonnet.tlas[0] must be an object"),
            ("path: [a]", "source.path must be a string"),
        ])
    func malformed(yaml: String, expected: String) throws {
        let error = try Self.error(yaml)
        #expect(error?.code == .invalidOptions)
        #expect(error?.description == expected)
    }

    @Test("a source that is not an object")
    func notAnObject() {
        #expect(throws: RenderError(.invalidOptions, "source must be an object")) {
            try RenderOptions(source: "apps/web")
        }
    }
}
