import MoorCore
import Render
import Testing

/// Jsonnet programs in directory sources, evaluated with Debian's `jsonnet` (`apt-get install jsonnet`).
@Suite("Jsonnet in directory sources")
struct JsonnetRendererTests {
    static let files: [String: String] = [
        "app/main.jsonnet": """
        // A program with ext vars, a top-level argument and a library import.
        local lib = import 'naming.libsonnet';
        function(cluster='none') [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: lib.name(std.extVar('env')) },
            data: { cluster: cluster, replicas: std.toString(std.extVar('replicas') + 1) },
          },
        ]
        """,
        "vendor/naming.libsonnet": "{ name(env):: 'settings-' + env }\n",
        "app/list.jsonnet": """
        { apiVersion: 'v1', kind: 'List', items: [
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
        ] }
        """,
        "app/helper.libsonnet": "{ never: 'rendered on its own' }\n",
        "app/plain.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n",
    ]

    static let options = JsonnetOptions(
        extVars: [
            JsonnetVariable(name: "env", value: "prod"), JsonnetVariable(name: "replicas", value: "2", code: true),
        ],
        tlas: [JsonnetVariable(name: "cluster", value: "east")], libs: ["vendor"])

    @Test("programs are evaluated with ext vars, top-level arguments and libraries; lists are flattened")
    func evaluate() async throws {
        let tree = try TestTree(Self.files)
        defer { tree.remove() }
        let objects = try await tree.render(
            RenderOptions(path: "app", source: .directory(DirectoryOptions(jsonnet: Self.options))))
        #expect(objects.names == ["Secret/s", "ConfigMap/settings-prod", "ServiceAccount/sa"])
        #expect(objects.locations == ["app/list.jsonnet", "app/main.jsonnet", "app/plain.yaml:1"])
        #expect(objects[1].object["data"] == ["cluster": "east", "replicas": "3"])
    }

    @Test("a runtime error points at the program's line")
    func runtimeError() async throws {
        let tree = try TestTree(["app/main.jsonnet": "local x = 1;\n\n{ a: error 'boom: set the env' }\n"])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .toolFailed)
        #expect(error?.location == SourceLocation(file: "app/main.jsonnet", line: 3))
        #expect(error?.message.hasPrefix("jsonnet failed (exit status 1): RUNTIME ERROR: boom: set the env") == true)
        #expect(error?.message.contains(tree.root) == false)
    }

    @Test("a program that allocates without bound is stopped at the memory limit, naming it")
    func memoryLimit() async throws {
        let tree = try TestTree(["app/main.jsonnet": "{ a: std.makeArray(1000000000, function(i) [i]) }\n"])
        defer { tree.remove() }
        let error = await tree.renderError(
            RenderOptions(path: "app"), configuration: RenderConfiguration(toolMemoryLimit: 256 << 20))
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("jsonnet used more than its memory limit of 256 MiB") == true, "\(error!)")
    }

    @Test("output that is not objects is refused")
    func scalarOutput() async throws {
        let tree = try TestTree(["app/main.jsonnet": "[1, 2]\n"])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .invalidObject)
        #expect(error?.location == SourceLocation(file: "app/main.jsonnet", line: 0))
    }

    @Test(
        "imports that leave the checkout are refused before jsonnet runs",
        arguments: [
            (
                "importstr '/etc/passwd'", 2,
                "importstr '/etc/passwd' is an absolute path; write it relative to the repository"
            ),
            (
                "importstr '../../../outside.txt'", 2,
                "importstr '../../../outside.txt' leaves the repository; paths must stay inside the checkout"
            ),
            (
                "importstr '\\u002e\\u002e/../../outside.txt'", 2,
                "importstr '../../../outside.txt' leaves the repository; paths must stay inside the checkout"
            ),
            (
                "import 'ok.libsonnet'", 1,
                "importbin '../../../outside.txt' leaves the repository; paths must stay inside the checkout"
            ),
        ])
    func escapingImport(expression: String, line: Int, expected: String) async throws {
        let tree = try TestTree([
            "app/sub/main.jsonnet":
                "// reads a file\n{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: \(expression) } }\n",
            "app/sub/ok.libsonnet": "importbin '../../../outside.txt'\n",
        ])
        defer { tree.remove() }
        _ = try tree.writeOutside("outside.txt", "secret")
        let error = await tree.renderError(RenderOptions(path: "app/sub"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location?.line == line)
        #expect(error?.message == expected)
    }

    @Test("`..` after a symlinked directory is followed as the kernel does")
    func importThroughSymlinkedDirectory() async throws {
        let tree = try TestTree(["b/main.jsonnet": "{ a: importstr '../../outside.txt' }\n"])
        defer { tree.remove() }
        _ = try tree.writeOutside("outside.txt", "secret")
        try tree.symlink("apps/x/y/link", to: "../../../b")
        let error = await tree.renderError(RenderOptions(path: "apps/x/y/link"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location == SourceLocation(file: "apps/x/y/link/main.jsonnet", line: 1))
        #expect(
            error?.message
                == "importstr '../../outside.txt' is or passes through a symlink that leaves the repository; "
                + "Moor only reads files inside the checkout")
    }
}
