import MoorCore
import MoorYAML
import Testing

/// Command-line flags on top of an Application manifest, and the rules for `--name`.
@Suite("Application overrides and names")
struct ApplicationOverridesTests {
    static let manifest = """
        apiVersion: moor.dev/v1alpha1
        kind: Application
        metadata: {name: web}
        spec:
          source:
            repoURL: https://git.example/ops.git
            targetRevision: main
            path: web
            helm:
              releaseName: web
              valueFiles: [base.yaml]
              parameters: [{name: image.tag, value: "1"}, {name: replicas, value: "2"}]
          destination: {namespace: prod}
          syncPolicy: {syncOptions: [CreateNamespace=true]}
        """

    static func application() throws -> Application {
        try Application(manifest: try YAMLReader.value(manifest))
    }

    @Test("no flags: the manifest as it is, nothing reported")
    func nothing() throws {
        let (application, fields) = try Self.application().overridden(by: ApplicationOverrides())
        #expect(application == (try Self.application()))
        #expect(fields.isEmpty)
    }

    @Test("scalars replace the file's fields and are reported")
    func scalars() throws {
        let (application, fields) = try Self.application().overridden(
            by: ApplicationOverrides(targetRevision: "v2", path: "web/next", destinationNamespace: "staging"))
        #expect(application.spec.source.targetRevision == "v2")
        #expect(application.spec.source.path == "web/next")
        #expect(application.spec.source.options["targetRevision"] == "v2")
        #expect(application.spec.destination.namespace == "staging")
        #expect(fields == ["source.targetRevision", "source.path", "destination.namespace"])
    }

    @Test("renderer sections merge: named entries by name, plain lists and scalars replaced")
    func sections() throws {
        let flags: JSONValue = [
            "helm": ["parameters": [["name": "image.tag", "value": "3"]], "valueFiles": ["prod.yaml"]],
            "directory": ["include": "*.yaml"],
        ]
        let (application, fields) = try Self.application().overridden(by: ApplicationOverrides(source: flags))
        let helm = application.spec.source.options["helm"]
        #expect(helm?["releaseName"] == "web")
        #expect(helm?["valueFiles"] == ["prod.yaml"])
        #expect(helm?["parameters"] == [["name": "replicas", "value": "2"], ["name": "image.tag", "value": "3"]])
        #expect(application.spec.source.options[path: "directory", "include"] == "*.yaml")
        #expect(fields == ["source.helm.parameters", "source.helm.valueFiles", "source.directory.include"])
    }

    @Test("sync options apply on top; an unknown one is refused")
    func syncOptions() throws {
        let (application, fields) = try Self.application().overridden(
            by: ApplicationOverrides(syncOptions: ["Prune=false"]))
        #expect(application.spec.syncPolicy.syncOptions.createNamespace)
        #expect(!application.spec.syncPolicy.syncOptions.prune)
        #expect(fields == ["syncPolicy.syncOptions"])
        let error = #expect(throws: ApplicationError.self) {
            try Self.application().overridden(by: ApplicationOverrides(syncOptions: ["Bogus=true"]))
        }
        #expect(error?.message.contains("Bogus=true") == true)
    }

    @Test(
        "application names",
        arguments: [
            ("web", true), ("web-prod", true), ("web.prod-2", true), ("a", true),
            ("", false), ("Web", false), ("web:prod", false), ("web/prod", false), ("-web", false), ("web-", false),
            ("wéb", false), (String(repeating: "a", count: 254), false),
        ])
    func names(name: String, valid: Bool) {
        if valid {
            #expect(throws: Never.self) { try ApplicationName.validate(name) }
        } else {
            let error = #expect(throws: ApplicationError.self) { try ApplicationName.validate(name) }
            #expect(error?.message.contains("is not valid") == true)
        }
    }
}
