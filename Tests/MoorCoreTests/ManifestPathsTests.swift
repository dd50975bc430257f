import Testing

@testable import MoorCore

@Suite("Manifest paths: which changes concern an application (manifest-generate-paths)")
struct ManifestPathsTests {
    @Test(
        "a change touches the source as its path and annotation say",
        arguments: [
            // No annotation: the source's own path, a directory and everything under it.
            ("apps/web", nil, "apps/web/deploy.yaml", true),
            ("apps/web", nil, "apps/web/overlays/prod/kustomization.yaml", true),
            ("apps/web", nil, "apps/web2/deploy.yaml", false),
            ("apps/web", nil, "apps/api/deploy.yaml", false),
            ("apps/web", nil, "README.md", false),
            ("./apps/web/", nil, "apps/web/deploy.yaml", true),
            // A source at the root watches everything.
            (".", nil, "docs/anything.md", true),
            ("", nil, "x", true),
            // `.` is the source's path; relative paths start there, absolute ones at the root.
            ("apps/web", ".", "apps/web/a.yaml", true),
            ("apps/web", "../shared", "apps/shared/values.yaml", true),
            ("apps/web", "../shared", "shared/values.yaml", false),
            ("apps/web", "/shared", "shared/values.yaml", true),
            ("apps/web", "/shared", "apps/web/a.yaml", false),
            ("apps/web", ".;/shared", "apps/web/a.yaml", true),
            ("apps/web", " . ; /shared ", "shared/x.yaml", true),
            ("apps/web", "/base/kustomization.yaml", "base/kustomization.yaml", true),
            ("apps/web", "/base/kustomization.yaml", "base/deployment.yaml", false),
            // An empty annotation watches the source's path.
            ("apps/web", "", "apps/web/a.yaml", true),
            ("apps/web", ";", "other/a.yaml", false),
            // Globs match the whole path; `*` stays in one directory, `**` crosses them.
            ("apps/web", "/shared/*-values.yaml", "shared/web-values.yaml", true),
            ("apps/web", "/shared/*-values.yaml", "shared/sub/web-values.yaml", false),
            ("apps/web", "/shared/**/*.yaml", "shared/a/b/c.yaml", true),
            ("apps/web", "*.yaml", "apps/web/a.yaml", true),
            ("apps/web", "*.yaml", "apps/web/sub/a.yaml", false),
            // Climbing out of the repository stops at its root.
            ("web", "../../../shared", "shared/a.yaml", true),
        ] as [(String, String?, String, Bool)])
    func touches(sourcePath: String, annotation: String?, changed: String, expected: Bool) {
        #expect(ManifestPaths(sourcePath: sourcePath, annotation: annotation).touches([changed]) == expected)
    }

    @Test("a change touches the source when any one of its files does; no files touch nothing")
    func anyFile() {
        let paths = ManifestPaths(sourcePath: "apps/web", annotation: nil)
        #expect(paths.touches(["README.md", "apps/web/a.yaml"]))
        #expect(!paths.touches(["README.md", "apps/api/a.yaml"]))
        #expect(!paths.touches([]))
    }

    @Test("the annotation is read from an Application manifest, Moor's name first")
    func annotationFromManifest() throws {
        func manifest(_ annotations: JSONValue) -> JSONValue {
            [
                "apiVersion": "moor.dev/v1alpha1", "kind": "Application",
                "metadata": ["name": "web", "annotations": annotations],
                "spec": ["source": ["repoURL": "https://git.example/r.git", "path": "apps/web"]],
            ]
        }
        #expect(try Application(manifest: manifest([:])).manifestGeneratePaths == nil)
        #expect(
            try Application(manifest: manifest(["argocd.argoproj.io/manifest-generate-paths": "/shared"]))
                .manifestGeneratePaths == "/shared")
        #expect(
            try Application(
                manifest: manifest([
                    "argocd.argoproj.io/manifest-generate-paths": "/argo", "moor.dev/manifest-generate-paths": "/moor",
                ])
            ).manifestGeneratePaths == "/moor")
    }
}
