import Foundation
import GitSource
import MoorCore
import Render

/// Time of a whole child process, in seconds.
func processSeconds(_ arguments: [String], output: String? = nil) async throws -> Double {
    var status: Int32 = 0
    let elapsed = try await seconds { status = try shell(arguments) }
    guard status == 0 else { throw BenchError("\(arguments.joined(separator: " ")) exited with \(status)") }
    return elapsed
}

/// Moor's render of a `--objects`-object directory versus `cat` piped into PyYAML's C loader; of a
/// Kustomize overlay versus `kubectl kustomize`; and the git traffic of fetching an unchanged repository.
func benchRender(_ options: Options) async throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-render-\(getpid())")
    let directory = base.appendingPathComponent("plain")
    try writeApplication(objects: options.objects, to: directory, changed: false)
    let overlay = base.appendingPathComponent("kustomize")
    try writeApplication(objects: options.objects, to: overlay.appendingPathComponent("base"), changed: false)
    let files = try FileManager.default.contentsOfDirectory(atPath: overlay.appendingPathComponent("base").path)
        .filter { $0.hasSuffix(".yaml") }.sorted()
    try ("resources:\n" + files.map { "- \($0)\n" }.joined())
        .write(to: overlay.appendingPathComponent("base/kustomization.yaml"), atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
        at: overlay.appendingPathComponent("prod"), withIntermediateDirectories: true)
    try "resources:\n- ../base\nnamePrefix: prod-\ncommonLabels:\n  env: prod\n"
        .write(to: overlay.appendingPathComponent("prod/kustomization.yaml"), atomically: true, encoding: .utf8)

    let renderer = Renderer()
    let parse = "import sys, yaml; print(sum(1 for d in yaml.load_all(sys.stdin, Loader=yaml.CSafeLoader) if d))"
    var plain: ([Double], [Double]) = ([], [])
    var kustomize: ([Double], [Double]) = ([], [])
    print("render \(options.objects) objects: directory and Kustomize overlay, \(options.runs) runs each, alternating")
    for run in 0...options.runs {
        var count = 0
        let moorPlain = try await seconds {
            count = try await renderer.render(directory: directory.path, options: RenderOptions(path: ".")).count
        }
        guard count == options.objects else { throw BenchError("moor rendered \(count) objects") }
        let peerPlain = try await processSeconds(["sh", "-c", "cat '\(directory.path)'/*.yaml | python3 -c '\(parse)'"])
        let moorKustomize = try await seconds {
            count = try await renderer.render(directory: overlay.path, options: RenderOptions(path: "prod")).count
        }
        guard count == options.objects else { throw BenchError("moor rendered \(count) kustomized objects") }
        let peerKustomize = try await processSeconds([
            "kubectl", "kustomize", overlay.appendingPathComponent("prod").path,
        ])
        let line = String(
            format:
                "directory: moor %.3fs, cat+PyYAML %.3fs (%.2f); kustomize: moor %.3fs, kubectl kustomize %.3fs (%.2f)",
            moorPlain, peerPlain, moorPlain / peerPlain, moorKustomize, peerKustomize, moorKustomize / peerKustomize)
        if run == 0 {
            print("warm-up: \(line) (not counted)")
            continue
        }
        print("run \(run): \(line)")
        plain.0.append(moorPlain)
        plain.1.append(peerPlain)
        kustomize.0.append(moorKustomize)
        kustomize.1.append(peerKustomize)
    }
    print(
        String(
            format: "median directory render: moor %.3fs, cat + PyYAML CSafeLoader %.3fs; ratio %.2f",
            median(plain.0), median(plain.1), median(plain.0) / median(plain.1)))
    print(
        String(
            format:
                "median Kustomize overlay: moor %.3fs (includes running kubectl kustomize), kubectl kustomize %.3fs; ratio %.2f",
            median(kustomize.0), median(kustomize.1), median(kustomize.0) / median(kustomize.1)))

    // Git: a second resolve of an unchanged repository lists the remote's refs and fetches nothing.
    let repository = base.appendingPathComponent("repo")
    try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
    try shell(["cp", "-r", directory.path, repository.appendingPathComponent("app").path])
    for arguments in [
        ["init", "-q", "-b", "main"], ["add", "-A"],
        ["-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", "objects"],
    ] {
        try shell(["git", "-C", repository.path] + arguments)
    }
    let cache = try GitSourceCache(directory: base.appendingPathComponent("cache").path)
    let url = try GitRepositoryURL("file://" + repository.path)
    _ = try await cache.resolve(url, revision: "main")
    let before = await cache.statistics
    let unchanged = try await seconds { _ = try await cache.resolve(url, revision: "main") }
    let after = await cache.statistics
    let lsRemote = try await processSeconds(["git", "ls-remote", url.rawValue])
    print(
        String(
            format: "unchanged repository: %d ls-remote, %d fetches, %.3fs (plain git ls-remote %.3fs)",
            after.remoteListings - before.remoteListings, after.fetches - before.fetches, unchanged, lsRemote))
    try? FileManager.default.removeItem(at: base)
}
