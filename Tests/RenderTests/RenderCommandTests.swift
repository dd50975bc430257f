import Foundation
import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

/// The built `moor` binary's `render` command on a local directory.
@Suite("moor render")
struct RenderCommandTests {
    static func run(_ arguments: [String], in tree: TestTree) throws -> MoorCommand.Run {
        try MoorCommand.run(["render"] + arguments)
    }

    static let files = [
        "apps/web/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        """,
        "apps/web/sub/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    ]

    @Test("prints the objects as a YAML stream with their sources")
    func yaml() throws {
        let tree = try TestTree(Self.files)
        defer { tree.remove() }
        let run = try Self.run(["--repo", tree.root, "--path", "apps/web", "--recurse"], in: tree)
        #expect(run.status == 0)
        #expect(run.error == "")
        let documents = try YAMLReader.documents(run.output)
        #expect(documents.map { $0.value[path: "metadata", "name"] } == ["web", "web", "extra"])
        #expect(documents.map { $0.value["kind"] } == ["Deployment", "Service", "ConfigMap"])
        #expect(run.output.hasPrefix("---\n# Source: apps/web/deploy.yaml:1\napiVersion: apps/v1\n"))
        #expect(run.output.contains("---\n# Source: apps/web/sub/extra.yaml:1\n"))
    }

    @Test("prints a JSON list with -o json")
    func json() throws {
        let tree = try TestTree(Self.files)
        defer { tree.remove() }
        let run = try Self.run(["--repo", tree.root, "--path", "apps/web", "-o", "json"], in: tree)
        #expect(run.status == 0)
        let list = try JSONValue(parsing: run.output)
        #expect(list.arrayValue?.map { $0["kind"] } == ["Deployment", "Service"])
    }

    @Test("bad input exits 1 with file:line: message on standard error")
    func failure() throws {
        let tree = try TestTree(
            Self.files.merging(["apps/web/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"]) { $1 })
        defer { tree.remove() }
        let run = try Self.run(["--repo", tree.root, "--path", "apps/web"], in: tree)
        #expect(run.status == 1)
        #expect(run.output == "")
        #expect(
            run.error
                == "Error: apps/web/bad.yaml:1: metadata.name is missing or not a string; every object needs apiVersion, kind "
                + "and metadata.name\n")
    }

    @Test("a path leaving the repository exits 1")
    func traversal() throws {
        let tree = try TestTree(Self.files)
        defer { tree.remove() }
        let run = try Self.run(["--repo", tree.root, "--path", "../x"], in: tree)
        #expect(run.status == 1)
        #expect(run.error == "Error: path '../x' leaves the repository; paths must stay inside the checkout\n")
    }
}
