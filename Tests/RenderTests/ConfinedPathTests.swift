import MoorCore
import Render
import Testing

@Suite("Paths are confined to the checkout")
struct ConfinedPathTests {
    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"

    @Test(
        "an application path outside the checkout is refused",
        arguments: [
            ("../x", "path '../x' leaves the repository; paths must stay inside the checkout"),
            ("apps/../../x", "path 'apps/../../x' leaves the repository; paths must stay inside the checkout"),
            ("/etc", "path '/etc' is an absolute path; write it relative to the repository"),
        ])
    func traversal(path: String, expected: String) async throws {
        let tree = try TestTree(["apps/a.yaml": Self.configMap])
        defer { tree.remove() }
        _ = try tree.writeOutside("x.yaml", Self.configMap)
        let error = await tree.renderError(RenderOptions(path: path))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.description == expected)
    }

    @Test("`..` that stays inside the checkout is fine")
    func dotDotInside() async throws {
        let tree = try TestTree(["apps/web/a.yaml": Self.configMap])
        defer { tree.remove() }
        let objects = try await tree.render(RenderOptions(path: "apps/db/../web"))
        #expect(objects.locations == ["apps/web/a.yaml:1"])
    }

    @Test("an application path through a symlink leaving the checkout is refused")
    func symlinkedApplicationDirectory() async throws {
        let tree = try TestTree(["apps/a.yaml": Self.configMap])
        defer { tree.remove() }
        try tree.symlink("apps/etc", to: "/etc")
        let error = await tree.renderError(RenderOptions(path: "apps/etc"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(
            error?.description
                == "apps/etc: path 'apps/etc' is or passes through a symlink that leaves the repository; "
                + "Moor only reads files inside the checkout")
    }

    @Test("a missing application path says so")
    func missingPath() async throws {
        let tree = try TestTree(["a.yaml": Self.configMap])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "apps/missing"))
        #expect(error?.code == .notFound)
        #expect(error?.description == "path 'apps/missing' is not a directory in the repository")
    }
}
