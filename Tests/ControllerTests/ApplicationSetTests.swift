import MoorCore
import MoorYAML
import Testing

@testable import Controller

/// Parsing ApplicationSet manifests and generating applications from them, without I/O.
@Suite("ApplicationSet")
struct ApplicationSetTests {
    static func set(_ yaml: String) throws -> ApplicationSet {
        try ApplicationSet(manifest: try #require(YAMLReader.documents(yaml).first).value)
    }

    /// A list element with one parameter, `env`.
    static func element(_ env: String) -> JSONObject {
        JSONObject([("env", .string(env))])
    }

    /// The message of the ``ApplicationError`` `body` throws; records an issue when it throws none.
    static func failure(
        sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) -> String {
        do {
            try body()
        } catch let error as ApplicationError {
            return error.message
        } catch {
            Issue.record("expected an ApplicationError, got \(error)", sourceLocation: sourceLocation)
            return ""
        }
        Issue.record("expected an ApplicationError", sourceLocation: sourceLocation)
        return ""
    }

    static let gitSet = """
        apiVersion: moor.dev/v1alpha1
        kind: ApplicationSet
        metadata: {name: envs}
        spec:
          generators:
          - git:
              repoURL: https://git.example/ops.git
              revision: main
              directories: [{path: "envs/*"}, {path: envs/skip, exclude: true}]
          template:
            metadata: {name: "web-{{path.basename}}"}
            spec:
              source: {repoURL: https://git.example/ops.git, targetRevision: main, path: "{{path}}"}
              destination: {namespace: "{{ path[1] }}"}
          syncPolicy: {preserveResourcesOnDeletion: true}
        """

    @Test("a Git-directories set is parsed with Argo CD's field names")
    func parsesGitDirectories() throws {
        let set = try Self.set(Self.gitSet)
        #expect(set.name == "envs")
        #expect(set.preserveResourcesOnDeletion)
        #expect(
            set.generators == [
                .gitDirectories(
                    repoURL: "https://git.example/ops.git", revision: "main",
                    directories: [.init(path: "envs/*"), .init(path: "envs/skip", exclude: true)])
            ])
    }

    @Test("one application per matching directory, placeholders filled")
    func generatesFromDirectories() throws {
        let set = try Self.set(Self.gitSet)
        let applications = try set.applications(
            directories: [0: ["envs", "envs/dev", "envs/dev/extra", "envs/prod", "envs/skip", "other"]])
        #expect(applications.map(\.name) == ["web-dev", "web-prod"])
        #expect(applications.map(\.spec.source.path) == ["envs/dev", "envs/prod"])
        #expect(applications.map(\.spec.destination.namespace) == ["dev", "prod"])
        #expect(applications[0].spec.source.options[path: "path"] == "envs/dev")
    }

    @Test("a list generator yields one application per element, nested keys with dots")
    func generatesFromList() throws {
        let set = try Self.set(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: clusters}
            spec:
              generators:
              - list:
                  elements:
                  - {cluster: east, values: {ns: e}}
                  - {cluster: west, values: {ns: w}}
              template:
                metadata: {name: "app-{{cluster}}"}
                spec:
                  source: {repoURL: /srv/ops, path: "apps/{{cluster}}"}
                  destination: {namespace: "{{values.ns}}"}
            """)
        #expect(!set.preserveResourcesOnDeletion)
        let applications = try set.applications()
        #expect(applications.map(\.name) == ["app-east", "app-west"])
        #expect(applications.map(\.spec.destination.namespace) == ["e", "w"])
    }

    @Test("directory parameters follow Argo CD's")
    func directoryParameters() {
        #expect(
            ApplicationSet.directoryParameters("envs/EU_west") == [
                "path": "envs/EU_west", "path.basename": "EU_west", "path.basenameNormalized": "eu-west",
                "path[0]": "envs", "path[1]": "EU_west",
            ])
    }

    @Test(
        "directory globs follow Go's path.Match",
        arguments: [
            ("envs/*", "envs/dev", true), ("envs/*", "envs/dev/sub", false), ("envs/*", "envs", false),
            ("*/dev", "envs/dev", true), ("envs/d?v", "envs/dev", true), ("envs/[a-e]*", "envs/dev", true),
            ("envs/[^d]*", "envs/dev", false), ("envs/\\*", "envs/*", true), ("envs/[", "envs/d", false),
            ("envs/dev", "envs/dev", true),
        ])
    func glob(pattern: String, path: String, matches: Bool) {
        #expect(PathPattern.matches(pattern, path) == matches)
    }

    @Test("exclude patterns remove matches of the include patterns")
    func excludes() {
        let matched = ApplicationSet.matching(
            ["a/x", "a/y", "b/x"], [.init(path: "*/x"), .init(path: "a/y"), .init(path: "b/*", exclude: true)])
        #expect(matched == ["a/x", "a/y"])
    }

    @Test("an unknown placeholder is an error naming it and the known parameters")
    func unknownPlaceholder() {
        let set = ApplicationSet(
            name: "s", generators: [.list(elements: [Self.element("dev")])],
            template: ["metadata": ["name": "{{environment}}"], "spec": ["source": ["repoURL": "/r"]]])
        let error = Self.failure { _ = try set.applications() }
        #expect(error.contains("{{environment}}"), "\(error)")
        #expect(error.contains("known: env"), "\(error)")
        #expect(error.contains("list element 0"), "\(error)")
    }

    @Test("two elements generating one name is an error naming both")
    func duplicateNames() {
        let set = ApplicationSet(
            name: "s", generators: [.list(elements: [Self.element("dev"), Self.element("prod")])],
            template: ["metadata": ["name": "same"], "spec": ["source": ["repoURL": "/r", "path": "{{env}}"]]])
        let error = Self.failure { _ = try set.applications() }
        #expect(error.contains("list element 0 and spec.generators[0] list element 1"), "\(error)")
        #expect(error.contains("application same"), "\(error)")
    }

    @Test(
        "malformed manifests are refused with the field named",
        arguments: [
            ("kind: ApplicationSet\napiVersion: moor.dev/v1alpha1\nmetadata: {}", "metadata.name"),
            ("kind: ApplicationSet\napiVersion: moor.dev/v1alpha1\nmetadata: {name: s}\nspec: {}", "spec.generators"),
            (
                "kind: ApplicationSet\napiVersion: moor.dev/v1alpha1\nmetadata: {name: s}\n"
                    + "spec: {generators: [{cluster: {}}], template: {spec: {}}}", "unsupported generator (cluster)"
            ),
            (
                "kind: ApplicationSet\napiVersion: moor.dev/v1alpha1\nmetadata: {name: s}\n"
                    + "spec: {generators: [{git: {repoURL: r}}], template: {spec: {}}}", "git.directories"
            ),
            (
                "kind: ApplicationSet\napiVersion: moor.dev/v1alpha1\nmetadata: {name: s}\n"
                    + "spec: {generators: [{list: {elements: []}}]}", "spec.template.spec"
            ),
            ("kind: Application\napiVersion: moor.dev/v1alpha1\nmetadata: {name: s}", "kind ApplicationSet"),
        ])
    func malformed(yaml: String, expected: String) {
        let error = Self.failure { _ = try Self.set(yaml) }
        #expect(error.contains(expected), "\(error)")
    }

    @Test("a generated manifest that is not a valid Application is an error naming its origin")
    func invalidApplication() {
        let set = ApplicationSet(
            name: "s", generators: [.list(elements: [Self.element("dev")])],
            template: ["metadata": ["name": "{{env}}"], "spec": ["destination": ["namespace": "x"]]])
        let error = Self.failure { _ = try set.applications() }
        #expect(error.contains("ApplicationSet s: spec.generators[0] list element 0"), "\(error)")
        #expect(error.contains("spec.source is required"), "\(error)")
    }
}
