import Foundation
import MoorTestSupport
import Testing

/// `moor controller --apps FILE` with ApplicationSets beside Applications.
@Suite("moor controller with ApplicationSets")
struct ApplicationSetCommandTests {
    @Test("an applications file holds both kinds; a malformed ApplicationSet is refused with its file and line")
    func malformedSet() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moor-sets-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        let manifests = """
            apiVersion: moor.dev/v1alpha1
            kind: Application
            metadata: {name: plain}
            spec: {source: {repoURL: /srv/ops}}
            ---
            apiVersion: moor.dev/v1alpha1
            kind: ApplicationSet
            metadata: {name: envs}
            spec: {generators: [{list: {elements: [{env: dev}]}}]}
            """
        try Data(manifests.utf8).write(to: file)
        let run = try MoorCommand.run(["controller", "--apps", file.path])
        #expect(run.status != 0)
        #expect(run.error.contains("\(file.path):6:"), "\(run.error)")
        #expect(run.error.contains("ApplicationSet envs: spec.template.spec is required"), "\(run.error)")
    }
}
