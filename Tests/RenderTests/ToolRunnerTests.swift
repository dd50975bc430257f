import Foundation
import MoorCore
import MoorTestSupport
import Render
import Testing

/// Tools run with a timeout that kills their whole process group, and bounded output.
@Suite("Tool runs")
struct ToolRunnerTests {
    /// A tree with a kustomization and a fake `kustomize` beside it running `script`.
    static func tree(kustomize script: String) throws -> (TestTree, String) {
        let tree = try TestTree(["app/kustomization.yaml": "resources: []\n"])
        let tool = try tree.writeOutside("kustomize", "#!/bin/sh\n" + script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        return (tree, tool)
    }

    @Test("a tool overrunning the timeout is killed with its children")
    func timeout() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("moor-\(UUID()).pid").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let (tree, tool) = try Self.tree(kustomize: "sleep 300 &\necho $! > \(pidFile)\nwait\n")
        defer { tree.remove() }
        let configuration = RenderConfiguration(kustomizePath: tool, toolTimeout: .seconds(1))
        let error = await tree.renderError(RenderOptions(path: "app"), configuration: configuration)
        #expect(error?.code == .timedOut)
        #expect(error?.description == "app/kustomization.yaml: kustomize did not finish within 1s and was stopped")
        let child = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let ended = try await Patience.waitUntil { !Self.isRunning(child) }
        #expect(ended, "the tool's child process \(child) survived the timeout")
    }

    @Test("output over the limit is refused")
    func outputLimit() async throws {
        let (tree, tool) = try Self.tree(kustomize: "head -c 100000 /dev/zero | tr '\\\\0' a\n")
        defer { tree.remove() }
        let configuration = RenderConfiguration(kustomizePath: tool, maxToolOutput: 1024)
        let error = await tree.renderError(RenderOptions(path: "app"), configuration: configuration)
        #expect(error?.code == .limitExceeded)
        #expect(error?.description == "app/kustomization.yaml: kustomize printed more than 1 KiB, the limit")
    }

    @Test("a tool that cannot be started is unavailable")
    func missingTool() async throws {
        let tree = try TestTree(["app/kustomization.yaml": "resources: []\n"])
        defer { tree.remove() }
        let configuration = RenderConfiguration(kustomizePath: "/nonexistent/kustomize")
        let error = await tree.renderError(RenderOptions(path: "app"), configuration: configuration)
        #expect(error?.code == .toolUnavailable)
        #expect(error?.message.hasPrefix("could not run kustomize: ") == true)
    }

    /// Whether `pid` is a live process (not gone, not a zombie).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }
}
