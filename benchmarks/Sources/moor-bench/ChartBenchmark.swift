import ChartSource
import Controller
import Foundation
import GitSource
import MoorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Remote Helm charts: the requests, bytes and downloads of a second resolve of an unchanged Helm
/// repository (nginx, cross-checked in its access log) and of an OCI tag (Debian's `docker-registry`),
/// then the render time of the cached remote chart against the same chart committed to a local Git
/// repository, alternating. With a `helm` binary on `PATH`, `helm pull` of the same chart is the peer.
func benchCharts(_ options: Options) async throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-charts-\(getpid())").path
    var servers: [BenchServer] = []
    defer {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(atPath: base)
    }
    try FileManager.default.createDirectory(atPath: base + "/repository", withIntermediateDirectories: true)
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Tests/RenderTests/Charts/webapp").standardized.path
    let version = "1.4.2"
    let archive = try packageChart(
        fixture, name: "webapp", version: version, staging: base + "/staging",
        into: base + "/repository")
    let index = helmIndex(name: "webapp", version: version, archive: archive)
    try index.write(toFile: base + "/repository/index.yaml", atomically: true, encoding: .utf8)

    let nginx = try BenchServer.nginx(root: base + "/repository", state: base + "/nginx")
    servers.append(nginx)
    try await nginx.waitUntilAccepting()
    let registry = try BenchServer.registry(state: base + "/registry")
    servers.append(registry)
    try await registry.waitUntilAccepting()
    try pushChart(
        archive.path, registry: registry.address, repository: "charts/webapp", tag: version,
        state: base + "/registry")

    // 1. A Helm repository whose index has not changed: one conditional request, answered 304.
    let charts = try ChartCache(directory: base + "/charts")
    let http = ChartReference(repository: .http(nginx.url), chart: "webapp", version: version)
    let first = try await secondResolves(charts, http, runs: 0)
    let logged = nginx.accessLog().count
    let unchanged = try await secondResolves(charts, http, runs: options.runs)
    let answered = nginx.accessLog().dropFirst(logged).map { "\($0.method) \($0.path) \($0.status)" }
    print(
        "Helm repository \(nginx.url), chart webapp \(version) (index \(index.utf8.count) bytes, archive "
            + "\(archive.bytes) bytes): first resolve \(first.summary)")
    print(
        "second resolve, unchanged Helm repository (\(options.runs) runs): \(unchanged.summary); "
            + "nginx answered \(counted(answered))")

    // 2. An exact OCI tag: one manifest GET, no blob.
    let oci = ChartReference(
        repository: .oci(registry: registry.address, repository: "charts/webapp", plainHTTP: true), chart: "webapp",
        version: version)
    let ociCharts = try ChartCache(directory: base + "/oci-charts")
    let ociFirst = try await secondResolves(ociCharts, oci, runs: 0)
    let ociUnchanged = try await secondResolves(ociCharts, oci, runs: options.runs)
    print("OCI registry oci://\(registry.address)/charts/webapp:\(version): first resolve \(ociFirst.summary)")
    print("second resolve, unchanged OCI tag (\(options.runs) runs): \(ociUnchanged.summary)")

    // 3. Rendering the cached remote chart against the same chart stored in Git, each side asking its
    // remote once per run (a conditional index request; a fresh `git ls-remote`); and against Git reusing
    // the listing just made (younger than the fetcher's `listingReuse`), which is the render alone.
    let repository = base + "/git-repository"
    try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
    try shell(["cp", "-r", fixture, repository + "/webapp"])
    for arguments in [
        ["init", "-q", "-b", "main"], ["add", "-A"],
        ["-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", "webapp"],
    ] {
        guard try shell(["git", "-C", repository] + arguments) == 0 else {
            throw BenchError("git \(arguments[0]) failed")
        }
    }
    let helm: JSONValue = ["releaseName": "shop"]
    let remote = ApplicationSource(
        repoURL: nginx.url, targetRevision: version, options: ["chart": "webapp", "helm": helm])
    let stored = ApplicationSource(
        repoURL: "file://" + repository, targetRevision: "main", path: "webapp", options: ["helm": helm])
    var times: (remote: [Double], stored: [Double], listed: [Double]) = ([], [], [])
    do {
        let fetcher = SourceFetcher(cache: try GitSourceCache(directory: base + "/git"), renders: nil, charts: charts)
        print(
            "render chart webapp with Helm (release shop): remote chart (cached) vs Git, \(options.runs) runs each, "
                + "alternating")
        for run in 0...options.runs {
            var remoteObjects: [ManifestObject] = []
            var storedObjects: [ManifestObject] = []
            let remoteSeconds = try await seconds {
                remoteObjects = try await fetcher.fetch(remote, listedSince: .now).objects
            }
            let storedSeconds = try await seconds {
                storedObjects = try await fetcher.fetch(stored, listedSince: .now).objects
            }
            let listedSeconds = try await seconds { _ = try await fetcher.fetch(stored) }
            guard !remoteObjects.isEmpty, remoteObjects.map(\.object) == storedObjects.map(\.object) else {
                throw BenchError(
                    "the remote chart rendered \(remoteObjects.count) objects, the Git one "
                        + "\(storedObjects.count), or they differ")
            }
            let line = String(
                format: "remote chart %.4fs, Git %.4fs (%.2f), Git listing reused %.4fs (%.2f), "
                    + "%d objects",
                remoteSeconds, storedSeconds, remoteSeconds / storedSeconds, listedSeconds,
                remoteSeconds / listedSeconds, remoteObjects.count)
            if run == 0 {
                print("warm-up: \(line) (not counted)")
                continue
            }
            print("run \(run): \(line)")
            times.remote.append(remoteSeconds)
            times.stored.append(storedSeconds)
            times.listed.append(listedSeconds)
        }
    }
    print(
        String(
            format: "median render: cached remote chart %.4fs, same chart in Git %.4fs; ratio %.2f",
            median(times.remote), median(times.stored), median(times.remote) / median(times.stored)))
    print(
        String(
            format: "median render against Git reusing its listing (no ls-remote): %.4fs; ratio %.2f",
            median(times.listed), median(times.remote) / median(times.listed)))

    // Helm as the peer: `helm pull` of the same chart, a second time.
    guard try shell(["sh", "-c", "command -v helm"]) == 0 else {
        print(
            "helm: no helm binary on PATH; peer skipped (Moor's second resolves above: \(unchanged.summary); "
                + "OCI: \(ociUnchanged.summary))")
        return
    }
    let helmEnvironment = [
        "HELM_CACHE_HOME": base + "/helm/cache", "HELM_CONFIG_HOME": base + "/helm/config",
        "HELM_DATA_HOME": base + "/helm/data",
    ]
    var pulls: [Double] = []
    var pullLines: [String] = []
    for run in 0...options.runs {
        let before = nginx.accessLog().count
        var status: Int32 = 0
        let elapsed = try await seconds {
            status = try shell(
                [
                    "helm", "pull", "--repo", nginx.url, "webapp", "--version", version,
                    "--destination", base + "/helm/pull-\(run)",
                ], environment: helmEnvironment)
        }
        guard status == 0 else { throw BenchError("helm pull exited with \(status)") }
        if run > 0 {
            pulls.append(elapsed)
            pullLines += nginx.accessLog().dropFirst(before).map { "\($0.method) \($0.path) \($0.status) \($0.bytes)B" }
        }
    }
    print(
        String(
            format: "helm pull, second and later (%d runs): median %.4fs; nginx answered ", options.runs,
            median(pulls)) + counted(pullLines))
    var ociPulls: [Double] = []
    for run in 0...options.runs {
        var status: Int32 = 0
        let elapsed = try await seconds {
            status = try shell(
                [
                    "helm", "pull", "oci://\(registry.address)/charts/webapp", "--version", version,
                    "--plain-http", "--destination", base + "/helm/oci-\(run)",
                ],
                environment: helmEnvironment)
        }
        guard status == 0 else { throw BenchError("helm pull oci:// exited with \(status)") }
        if run > 0 { ociPulls.append(elapsed) }
    }
    print(
        String(
            format: "helm pull oci://, second and later: median %.4fs (Moor: %.4fs)",
            median(ociPulls), ociUnchanged.medianSeconds))
}

/// What a number of resolves of one chart cost, from the cache's statistics.
struct ResolveCost {
    /// Requests, bytes received and archive downloads of each resolve.
    var perResolve: [(requests: Int, bytes: Int, downloads: Int)] = []
    var times: [Double] = []

    var medianSeconds: Double { times.isEmpty ? 0 : median(times) }

    /// `1 request, 0 bytes, 0 archive downloads each; median 0.0012s`, or each resolve's figures when they differ.
    var summary: String {
        func text(_ cost: (requests: Int, bytes: Int, downloads: Int)) -> String {
            "\(cost.requests) request\(cost.requests == 1 ? "" : "s"), \(cost.bytes) bytes, "
                + "\(cost.downloads) archive download\(cost.downloads == 1 ? "" : "s")"
        }
        guard let first = perResolve.first else { return "none" }
        let alike = perResolve.allSatisfy { $0 == first }
        let costs =
            alike ? text(first) + (perResolve.count > 1 ? " each" : "") : perResolve.map(text).joined(separator: "; ")
        return costs + "; " + (times.count > 1 ? "median " : "took ") + String(format: "%.4fs", medianSeconds)
    }
}

/// Resolves `reference` once (`runs` 0: the first resolve) or `runs` times, measuring each.
func secondResolves(_ cache: ChartCache, _ reference: ChartReference, runs: Int) async throws -> ResolveCost {
    var cost = ResolveCost()
    for _ in 0..<max(runs, 1) {
        let before = await cache.statistics
        let elapsed = try await seconds { _ = try await cache.fetch(reference) }
        let after = await cache.statistics
        cost.perResolve.append(
            (
                after.requests - before.requests, after.bytesReceived - before.bytesReceived,
                after.archiveDownloads - before.archiveDownloads
            ))
        cost.times.append(elapsed)
    }
    return cost
}

/// `GET /index.yaml 304 ×5`: equal lines counted, in order of first appearance.
func counted(_ lines: [String]) -> String {
    var order: [String] = []
    var counts: [String: Int] = [:]
    for line in lines {
        if counts[line] == nil { order.append(line) }
        counts[line, default: 0] += 1
    }
    return order.isEmpty ? "nothing" : order.map { "\($0) ×\(counts[$0, default: 0])" }.joined(separator: ", ")
}

/// A packaged chart archive.
struct ChartArchiveFile {
    var path: String
    var fileName: String
    /// SHA-256, lowercase hex.
    var digest: String
    var bytes: Int
}

/// Packages the chart directory `chart` as `helm package` lays it out (`NAME/…` in `NAME-VERSION.tgz`).
func packageChart(_ chart: String, name: String, version: String, staging: String, into directory: String) throws
    -> ChartArchiveFile
{
    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    try shell(["cp", "-r", chart, staging + "/" + name])
    let fileName = "\(name)-\(version).tgz"
    let path = directory + "/" + fileName
    guard try shell(["tar", "-czf", path, "-C", staging, name]) == 0 else { throw BenchError("tar failed") }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).count
    return ChartArchiveFile(path: path, fileName: fileName, digest: try sha256(path), bytes: bytes)
}

/// An `index.yaml` listing the one archive, with its digest.
func helmIndex(name: String, version: String, archive: ChartArchiveFile) -> String {
    """
    apiVersion: v1
    entries:
      \(name):
      - name: \(name)
        version: "\(version)"
        urls: ["\(archive.fileName)"]
        digest: \(archive.digest)
        apiVersion: v2
    generated: "2026-01-01T00:00:00Z"

    """
}

/// Uploads the chart archive at `path` as Helm does: a config blob, the archive as the chart layer, and an
/// OCI image manifest under `tag` (plain HTTP, no authentication).
func pushChart(_ path: String, registry: String, repository: String, tag: String, state: String) throws {
    let config = state + "/chart-config.json"
    try #"{"name":"webapp","version":"\#(tag)"}"#.write(toFile: config, atomically: true, encoding: .utf8)
    let layer = try uploadBlob(path, registry: registry, repository: repository)
    let configDigest = try uploadBlob(config, registry: registry, repository: repository)
    let manifest = state + "/manifest.json"
    try """
    {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
    "config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"\(configDigest)",\
    "size":\(try Data(contentsOf: URL(fileURLWithPath: config)).count)},\
    "layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"\(layer)",\
    "size":\(try Data(contentsOf: URL(fileURLWithPath: path)).count)}]}
    """.write(toFile: manifest, atomically: true, encoding: .utf8)
    _ = try shellOutput([
        "curl", "-sSf", "-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json",
        "--data-binary", "@" + manifest, "http://\(registry)/v2/\(repository)/manifests/\(tag)",
    ])
}

/// A monolithic blob upload; returns the blob's digest.
private func uploadBlob(_ path: String, registry: String, repository: String) throws -> String {
    let digest = "sha256:" + (try sha256(path))
    let headers = try shellOutput([
        "curl", "-sSf", "-X", "POST", "-D", "-", "-o", "/dev/null",
        "http://\(registry)/v2/\(repository)/blobs/uploads/",
    ])
    guard let line = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("location:") }) else {
        throw BenchError("the registry gave no upload location")
    }
    let location = line.dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
    let target = location.hasPrefix("http") ? location : "http://\(registry)\(location)"
    _ = try shellOutput([
        "curl", "-sSf", "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + path,
        target + (target.contains("?") ? "&" : "?") + "digest=\(digest)",
    ])
    return digest
}

/// SHA-256 of a file, lowercase hex (through `sha256sum`).
private func sha256(_ path: String) throws -> String {
    String(try shellOutput(["sha256sum", path]).prefix { $0 != " " })
}

/// A server process the benchmark started on a free loopback port; ``stop()`` ends it.
final class BenchServer {
    /// One line of nginx's access log.
    struct Request {
        var method: String
        var path: String
        var status: Int
        var bytes: Int
    }

    let port: Int
    private let name: String
    private let process: Process
    private let log: String
    private let accessLogPath: String?

    /// `127.0.0.1:PORT`.
    var address: String { "127.0.0.1:\(port)" }
    /// `http://127.0.0.1:PORT`.
    var url: String { "http://" + address }

    private init(_ name: String, arguments: [String], port: Int, log: String, accessLog: String? = nil) throws {
        self.name = name
        self.port = port
        self.log = log
        accessLogPath = accessLog
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// nginx serving `root` (with `ETag`/`Last-Modified`, so conditional requests get `304`), logging
    /// method, path, status and body bytes of every request.
    static func nginx(root: String, state: String) throws -> BenchServer {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let temporary = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { "\($0)_temp_path \(state)/\($0);" }
        let configuration = """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(state)/nginx.pid;
            error_log \(state)/error.log info;
            \(getuid() == 0 ? "user root root;" : "")
            events { worker_connections 64; }
            http {
            log_format moor '$request_method $uri $status $body_bytes_sent';
            access_log \(state)/access.log moor;
            \(temporary.joined(separator: "\n"))
            server {
                listen 127.0.0.1:\(port);
                root \(root);
            }
            }

            """
        try configuration.write(toFile: state + "/nginx.conf", atomically: true, encoding: .utf8)
        return try BenchServer(
            "nginx", arguments: ["nginx", "-p", state, "-c", state + "/nginx.conf", "-e", state + "/error.log"],
            port: port, log: state + "/stderr.log", accessLog: state + "/access.log")
    }

    /// The distribution registry (Debian's `docker-registry`), plain HTTP, no authentication, storage in `state`.
    static func registry(state: String) throws -> BenchServer {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let configuration = """
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: \(state)/data
            http:
              addr: 127.0.0.1:\(port)
              secret: moor-bench

            """
        try configuration.write(toFile: state + "/config.yml", atomically: true, encoding: .utf8)
        return try BenchServer(
            "docker-registry", arguments: ["docker-registry", "serve", state + "/config.yml"], port: port,
            log: state + "/registry.log")
    }

    /// Waits (about 10 s at most) until the server answers HTTP.
    func waitUntilAccepting() async throws {
        for _ in 0..<500 {
            guard process.isRunning else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw BenchError("\(name) exited at start: \(output.suffix(2000))")
            }
            if try shell(["curl", "-s", "-o", "/dev/null", "--max-time", "2", url + "/"]) == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("\(name) did not answer on port \(port) in time")
    }

    /// nginx's access log so far, oldest first (empty for other servers).
    func accessLog() -> [Request] {
        guard let accessLogPath, let text = try? String(contentsOfFile: accessLogPath, encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 4, let status = Int(fields[2]), let bytes = Int(fields[3]) else { return nil }
            return Request(method: fields[0], path: fields[1], status: status, bytes: bytes)
        }
    }

    /// Stops the server (SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// A port on 127.0.0.1 that was free a moment ago (bound to port 0 and released).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard bound else { throw BenchError("could not bind a loopback port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
