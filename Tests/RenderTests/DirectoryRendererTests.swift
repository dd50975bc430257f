import MoorCore
import Render
import Testing

@Suite("Directory sources")
struct DirectoryRendererTests {
    static func configMap(_ name: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n"
    }

    @Test("multi-document YAML and JSON files are read in path order with their lines")
    func multiDocument() async throws {
        let tree = try TestTree([
            "apps/web/b.yaml": """
            # leading comment
            \(Self.configMap("b1"))---
            ---
            # an empty document above and this comment-only one are skipped
            ---
            \(Self.configMap("b2"))
            """,
            "apps/web/a.json": #"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a"}}"#,
            "apps/web/notes.txt": "not a manifest",
            "apps/web/c.yml": Self.configMap("c"),
        ])
        defer { tree.remove() }
        let objects = try await tree.render(RenderOptions(path: "apps/web"))
        #expect(objects.names == ["Secret/a", "ConfigMap/b1", "ConfigMap/b2", "ConfigMap/c"])
        #expect(
            objects.locations == ["apps/web/a.json:1", "apps/web/b.yaml:2", "apps/web/b.yaml:10", "apps/web/c.yml:1"])
    }

    @Test("kind: List and other *List kinds are flattened, items keep the list's location")
    func listFlattening() async throws {
        let tree = try TestTree([
            "list.yaml": """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: one}
            - apiVersion: v1
              kind: ConfigMapList
              items:
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
            """,
            "array.json": #"[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "three"}}]"#,
        ])
        defer { tree.remove() }
        let objects = try await tree.render()
        #expect(objects.names == ["ConfigMap/three", "ConfigMap/one", "ConfigMap/two"])
        #expect(objects.locations == ["array.json:1", "list.yaml:1", "list.yaml:1"])
    }

    @Test("subdirectories are read only with recurse; dot-directories never")
    func recursion() async throws {
        let tree = try TestTree([
            "top.yaml": Self.configMap("top"),
            "sub/deeper/deep.yaml": Self.configMap("deep"),
            "sub/mid.yaml": Self.configMap("mid"),
            ".github/workflows/ci.yaml": "on: push\njobs: {}\n",
        ])
        defer { tree.remove() }
        #expect(try await tree.render().names == ["ConfigMap/top"])
        let recursive = try await tree.render(RenderOptions(source: .directory(DirectoryOptions(recurse: true))))
        #expect(recursive.names == ["ConfigMap/deep", "ConfigMap/mid", "ConfigMap/top"])
        #expect(recursive.locations == ["sub/deeper/deep.yaml:1", "sub/mid.yaml:1", "top.yaml:1"])
    }

    @Test(
        "include and exclude globs match the path relative to the application, exclude wins",
        arguments: [
            (nil, nil, ["a", "b", "deep", "prod", "x"]),
            ("*.yaml", nil, ["a", "b", "deep", "prod"]),
            ("{a.yaml,env/*}", nil, ["a", "deep", "prod"]),
            (nil, "env/**", ["a", "b", "x"]),
            ("*", "{b.yaml,*.json}", ["a", "deep", "prod"]),
            ("env/prod/*", nil, ["prod"]),
            ("[ab].yaml", "b*", ["a"]),
        ] as [(String?, String?, [String])])
    func includeExclude(include: String?, exclude: String?, expected: [String]) async throws {
        let tree = try TestTree([
            "app/a.yaml": Self.configMap("a"),
            "app/b.yaml": Self.configMap("b"),
            "app/x.json": #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}"#,
            "app/env/deep.yaml": Self.configMap("deep"),
            "app/env/prod/prod.yaml": Self.configMap("prod"),
        ])
        defer { tree.remove() }
        let options = DirectoryOptions(recurse: true, include: include, exclude: exclude)
        let objects = try await tree.render(RenderOptions(path: "app", source: .directory(options)))
        #expect(objects.names.map { $0.replacingOccurrences(of: "ConfigMap/", with: "") }.sorted() == expected)
    }

    @Test("an invalid glob is an options error")
    func invalidGlob() async throws {
        let tree = try TestTree(["a.yaml": Self.configMap("a")])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(source: .directory(DirectoryOptions(include: "{a,b"))))
        #expect(error?.code == .invalidOptions)
        #expect(error?.description == "directory.include '{a,b' is not a valid pattern: unclosed '{'")
    }

    @Test("a YAML syntax error names the file and line")
    func yamlSyntaxError() async throws {
        let tree = try TestTree([
            "apps/web/deploy.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n  other: x\n"
        ])
        defer { tree.remove() }
        let error = await tree.renderError(RenderOptions(path: "apps/web"))
        #expect(error?.code == .invalidSyntax)
        #expect(error?.location == SourceLocation(file: "apps/web/deploy.yaml", line: 5))
        #expect(error?.description.hasPrefix("apps/web/deploy.yaml:5: invalid YAML: ") == true)
    }

    @Test("a JSON syntax error names the file and line")
    func jsonSyntaxError() async throws {
        let tree = try TestTree(["bad.json": "{\n  \"apiVersion\": \"v1\",\n  \"kind\" \"ConfigMap\"\n}"])
        defer { tree.remove() }
        let error = await tree.renderError()
        #expect(error?.description == "bad.json:3: invalid JSON: expected ':' after object key")
    }

    @Test("a document that is not a mapping is refused")
    func scalarDocument() async throws {
        let tree = try TestTree(["a.yaml": Self.configMap("a") + "---\njust a string\n"])
        defer { tree.remove() }
        let error = await tree.renderError()
        #expect(
            error?.description
                == "a.yaml:6: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), found a string"
        )
    }

    @Test("a file over the size limit is refused")
    func fileSizeLimit() async throws {
        let tree = try TestTree([
            "big.yaml": Self.configMap("big") + "data:\n  x: \"" + String(repeating: "y", count: 2048) + "\"\n"
        ])
        defer { tree.remove() }
        let error = await tree.renderError(configuration: RenderConfiguration(maxFileSize: 1024))
        #expect(error?.code == .limitExceeded)
        #expect(error?.description == "big.yaml: file is larger than the limit of 1 KiB; split it into smaller files")
    }

    @Test("a symlink inside the tree is read, one leaving it is refused")
    func symlinks() async throws {
        let tree = try TestTree(["shared/cm.yaml": Self.configMap("shared"), "app/own.yaml": Self.configMap("own")])
        defer { tree.remove() }
        try tree.symlink("app/linked.yaml", to: "../shared/cm.yaml")
        #expect(try await tree.render(RenderOptions(path: "app")).names == ["ConfigMap/shared", "ConfigMap/own"])

        let outside = try tree.writeOutside("secret.yaml", Self.configMap("stolen"))
        try tree.symlink("app/escape.yaml", to: outside)
        let error = await tree.renderError(RenderOptions(path: "app"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(
            error?.description
                == "app/escape.yaml: 'app/escape.yaml' is or passes through a symlink that leaves the repository; "
                + "Moor only reads files inside the checkout")
    }
}
