import Controller
import Foundation
import MoorCore
import Testing

/// ApplicationSets against the real API server and a real Git repository: the controller creates,
/// updates and removes the applications they generate.
@Suite("ApplicationSets in the controller against a real API server")
struct ApplicationSetControllerTests {
    typealias Harness = ControllerHarness

    /// A set with one application per `envs/*` directory of the test repository, each deploying its
    /// directory into the test namespace with automated prune. Application names carry the namespace,
    /// as tracking ids are cluster-wide.
    static func environments(_ harness: Harness, preserve: Bool = false) -> ApplicationSet {
        ApplicationSet(
            name: "envs",
            generators: [
                .gitDirectories(
                    repoURL: harness.repository.fileURL, revision: "main", directories: [.init(path: "envs/*")])
            ],
            template: template(harness, name: "{{path.basename}}", path: "{{path}}"),
            preserveResourcesOnDeletion: preserve)
    }

    static func template(_ harness: Harness, name: String, path: String) -> JSONValue {
        [
            "metadata": ["name": .string("\(name)-\(harness.namespace)")],
            "spec": [
                "source": [
                    "repoURL": .string(harness.repository.fileURL), "targetRevision": "main", "path": .string(path),
                ],
                "destination": ["namespace": .string(harness.namespace)],
                "syncPolicy": ["automated": ["prune": true]],
            ],
        ]
    }

    /// Commits `envs/dev` and `envs/prod`, each holding a ConfigMap named after it, manages `set` and
    /// waits until both ConfigMaps are applied.
    static func startTwoEnvironments(_ harness: Harness, _ set: ApplicationSet) async throws {
        try await harness.repository.commit(
            "two environments",
            files: [
                "envs/dev/a.yaml": Harness.configMap("dev", "1"), "envs/prod/a.yaml": Harness.configMap("prod", "1"),
            ])
        try await harness.controller.manageSet(set)
        try await harness.eventually("both environments are applied") {
            try await Self.values(harness, "dev", "prod") == ["1", "1"]
        }
        #expect(await Self.generated(harness, by: "envs") == ["dev", "prod"])
    }

    /// The applications `set` generates, without the namespace suffix.
    static func generated(_ harness: Harness, by set: String) async -> [String] {
        await harness.controller.applications(of: set).map { String($0.dropLast(harness.namespace.count + 1)) }
    }

    /// The values of the ConfigMaps `names` (`nil` for a missing one).
    static func values(_ harness: Harness, _ names: String...) async throws -> [String?] {
        var values: [String?] = []
        for name in names { values.append(try await harness.value(of: name)) }
        return values
    }

    /// Deletes `envs/prod` in a new commit.
    static func dropProduction(_ harness: Harness) async throws {
        try FileManager.default.removeItem(atPath: harness.repository.path + "/envs/prod")
        try await harness.repository.commit("drop prod", files: [:])
    }

    @Test("a folder added in Git adds an application; a folder deleted removes it and its objects")
    func gitDirectories() async throws {
        try await Harness.run { harness in
            try await Self.startTwoEnvironments(harness, Self.environments(harness))

            try await harness.repository.commit(
                "add staging", files: ["envs/staging/a.yaml": Harness.configMap("staging", "1")])
            try await harness.eventually("the new environment is applied") {
                try await harness.value(of: "staging") == "1"
            }
            #expect(await harness.controller.applications(of: "envs").count == 3)

            try await Self.dropProduction(harness)
            try await harness.eventually("the deleted environment's objects are deleted") {
                try await harness.value(of: "prod") == nil
            }
            #expect(await Self.generated(harness, by: "envs") == ["dev", "staging"])
            #expect(await harness.controller.status(of: "prod-\(harness.namespace)") == nil)
            #expect(try await harness.value(of: "dev") == "1")
        }
    }

    @Test("with preserveResourcesOnDeletion, a removed application's objects stay")
    func preserve() async throws {
        try await Harness.run { harness in
            try await Self.startTwoEnvironments(harness, Self.environments(harness, preserve: true))
            try await Self.dropProduction(harness)
            try await harness.eventually("the application is removed") {
                await Self.generated(harness, by: "envs") == ["dev"]
            }
            try await harness.waitForReconciles(2)
            #expect(try await harness.value(of: "prod") == "1")
        }
    }

    @Test("a list generator with two elements creates two applications")
    func list() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit(
                "two apps",
                files: [
                    "apps/one/a.yaml": Harness.configMap("one", "1"), "apps/two/a.yaml": Harness.configMap("two", "2"),
                ])
            let elements = ["one", "two"].map { JSONObject([("app", JSONValue.string($0))]) }
            try await harness.controller.manageSet(
                ApplicationSet(
                    name: "list", generators: [.list(elements: elements)],
                    template: Self.template(harness, name: "{{app}}", path: "apps/{{app}}")))
            try await harness.eventually("both applications are applied") {
                try await Self.values(harness, "one", "two") == ["1", "2"]
            }
            #expect(await Self.generated(harness, by: "list") == ["one", "two"])
        }
    }
}
