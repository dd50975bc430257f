import Foundation
import MoorCore
import MoorTestSupport
import Render
import Testing

/// The Helm library in a child process (`moor helm-library`): the same objects as in process, and a
/// chart that loops or allocates without bound is stopped, failing only its own render.
@Suite("Helm in a child process")
struct HelmIsolationTests {
    static func configuration(timeout: Duration = .seconds(90)) throws -> RenderConfiguration {
        RenderConfiguration(
            helm: .library(path: nil), toolTimeout: timeout,
            helmIsolation: HelmIsolation(executable: try MoorCommand.binary()), toolMemoryLimit: 512 << 20)
    }

    static func render(_ extraFiles: [String: String], configuration: RenderConfiguration) async throws(RenderError)
        -> [ManifestObject]
    {
        let tree = try! TestTree(HelmRendererTests.chart.merging(extraFiles) { $1 })
        defer { tree.remove() }
        return try await tree.render(RenderOptions(path: "charts/web"), configuration: configuration)
    }

    @Test("a chart renders to the same objects, with the same sources, as in process")
    func sameObjects() async throws {
        let isolated = try await Self.render([:], configuration: try Self.configuration())
        let inProcess = try await Self.render([:], configuration: .forTests)
        #expect(isolated.map(\.object) == inProcess.map(\.object))
        #expect(isolated.map(\.source) == inProcess.map(\.source))
        #expect(!isolated.isEmpty)
    }

    @Test("a template error keeps its file and line")
    func templateError() async throws {
        let failing = ["charts/web/values.yaml": "replicas: 2\nfailMe: true\nports: [80]\n"]
        let configuration = try Self.configuration()
        do {
            _ = try await Self.render(failing, configuration: configuration)
            Issue.record("expected a template error")
        } catch {
            #expect(error.code == .toolFailed)
            #expect(error.location == SourceLocation(file: "charts/web/templates/guard.yaml", line: 2), "\(error)")
            #expect(error.message.contains("failMe is set: refusing to render"))
        }
    }

    @Test("a template that loops is stopped at the render timeout, naming it")
    func loop() async throws {
        let looping = [
            "charts/web/templates/loop.yaml":
                "{{- range until 100000 }}{{- range until 100000 }}{{- end }}{{- end }}\n"
        ]
        let configuration = try Self.configuration(timeout: .seconds(3))
        do {
            _ = try await Self.render(looping, configuration: configuration)
            Issue.record("expected the loop to be stopped")
        } catch {
            #expect(error.message.contains("did not finish within 3s and was stopped"), "\(error)")
        }
    }

    @Test("a template that allocates without bound is stopped at the memory limit, naming it")
    func memory() async throws {
        let bomb = [
            "charts/web/templates/bomb.yaml":
                "{{- $s := \"0123456789abcdef\" }}{{- range until 40 }}{{ $s = print $s $s }}{{ end }}\n"
        ]
        let configuration = try Self.configuration()
        do {
            _ = try await Self.render(bomb, configuration: configuration)
            Issue.record("expected the render to be stopped")
        } catch {
            #expect(error.message.contains("more than its memory limit of 512 MiB"), "\(error)")
        }
    }
}
