import Foundation
import KubeClient
import MoorCore
import MoorYAML
import Render
import Sync

/// The objects of the sync benchmark: a third each ConfigMaps, Services and Deployments, as YAML
/// files of 100 objects; `changed` alters one ConfigMap.
func writeApplication(objects count: Int, to directory: URL, changed: Bool) throws {
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var objects: [JSONValue] = []
    for index in 0..<count {
        let name = JSONValue.string("item-\(index)")
        let labels: JSONValue = ["app": name]
        switch index % 3 {
        case 0:
            let value = changed && index == 0 ? "changed" : "value-\(index)"
            objects.append([
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": name],
                "data": ["key": .string(value), "payload": .string(String(repeating: "x", count: 100))],
            ])
        case 1:
            objects.append([
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": name],
                "spec": ["selector": labels, "ports": [["port": 80, "targetPort": 8080, "protocol": "TCP"]]],
            ])
        default:
            objects.append([
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": name],
                "spec": [
                    "replicas": 1, "selector": ["matchLabels": labels],
                    "template": [
                        "metadata": ["labels": labels],
                        "spec": ["containers": [["name": "app", "image": "nginx:1.27"]]],
                    ],
                ],
            ])
        }
    }
    for (file, start) in stride(from: 0, to: objects.count, by: 100).enumerated() {
        let chunk = objects[start..<min(start + 100, objects.count)]
        try YAMLWriter.stream(chunk).write(
            to: directory.appendingPathComponent("objects-\(file).yaml"),
            atomically: true, encoding: .utf8)
    }
}

func application(_ namespace: String) -> Application {
    Application(
        name: "bench",
        spec: ApplicationSpec(
            source: ApplicationSource(repoURL: "file:///bench"),
            destination: ApplicationDestination(namespace: namespace)))
}

/// Cold `moor sync` (render + compare + apply, in process with a fresh client) versus
/// `kubectl apply --server-side -f DIR`; then a warm `moor diff` with one changed object versus
/// `kubectl diff --server-side -f DIR`; and the write count of a second, in-sync `moor sync`.
func benchSync(_ options: Options) async throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-sync-\(getpid())")
    let original = base.appendingPathComponent("app")
    let changed = base.appendingPathComponent("app-changed")
    try writeApplication(objects: options.objects, to: original, changed: false)
    try writeApplication(objects: options.objects, to: changed, changed: true)
    let admin = try KubeClient(kubeconfig: [options.kubeconfig])
    let renderer = Renderer()
    var syncTimes: ([Double], [Double]) = ([], [])
    var diffTimes: ([Double], [Double]) = ([], [])
    var inSyncWrites: [Int] = []
    print("sync \(options.objects) objects (ConfigMaps, Services, Deployments), \(options.runs) runs each, alternating")
    for run in 0...options.runs {
        let moorNamespace = "bench-sync-moor-\(getpid())-\(run)"
        let kubectlNamespace = "bench-sync-kubectl-\(getpid())-\(run)"
        for namespace in [moorNamespace, kubectlNamespace] {
            _ = try await admin.apply(namespaceObject(namespace), fieldManager: "bench")
        }
        let app = application(moorNamespace)
        let cold = try await seconds {
            let client = try KubeClient(kubeconfig: [options.kubeconfig], maxInFlight: options.parallel)
            var engine = SyncEngine(client: client)
            engine.concurrency = options.parallel
            let objects = try await renderer.render(directory: original.path, options: RenderOptions(path: "."))
            let result = try await engine.sync(app, desired: objects)
            await client.shutdown()
            guard result.succeeded else { throw BenchError("moor sync failed: \(result.message)") }
        }
        var status: Int32 = 0
        let kubectlCold = try await seconds {
            status = try shell(
                [
                    "kubectl", "apply", "--server-side", "--field-manager=bench", "-n", kubectlNamespace,
                    "-f", original.path,
                ], environment: ["KUBECONFIG": options.kubeconfig])
        }
        guard status == 0 else { throw BenchError("kubectl apply failed with status \(status)") }

        let second = try KubeClient(kubeconfig: [options.kubeconfig], maxInFlight: options.parallel)
        let objects = try await renderer.render(directory: original.path, options: RenderOptions(path: "."))
        let inSync = try await SyncEngine(client: second).sync(app, desired: objects)
        await second.shutdown()

        var diffStatus: SyncStatus?
        let warmDiff = try await seconds {
            let client = try KubeClient(kubeconfig: [options.kubeconfig], maxInFlight: options.parallel)
            let objects = try await renderer.render(directory: changed.path, options: RenderOptions(path: "."))
            let comparison = try await SyncEngine(client: client).compare(app, desired: objects)
            await client.shutdown()
            diffStatus = comparison.syncStatus
        }
        let kubectlDiff = try await seconds {
            status = try shell(
                [
                    "kubectl", "diff", "--server-side", "--field-manager=bench", "-n", kubectlNamespace,
                    "-f", changed.path,
                ], environment: ["KUBECONFIG": options.kubeconfig])
        }
        guard diffStatus == .outOfSync, status == 1 else {
            throw BenchError(
                "both diffs must report the change (moor: \(diffStatus?.rawValue ?? "none"), kubectl exit \(status))")
        }
        for namespace in [moorNamespace, kubectlNamespace] {
            try? await admin.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: namespace))
        }
        let line = String(
            format: "sync: moor %.2fs, kubectl %.2fs (%.2f); diff: moor %.2fs, kubectl %.2fs (%.2f); in-sync writes %d",
            cold, kubectlCold, cold / kubectlCold, warmDiff, kubectlDiff, warmDiff / kubectlDiff, inSync.writes)
        if run == 0 {
            print("warm-up: \(line) (not counted)")
            continue
        }
        print("run \(run): \(line)")
        syncTimes.0.append(cold)
        syncTimes.1.append(kubectlCold)
        diffTimes.0.append(warmDiff)
        diffTimes.1.append(kubectlDiff)
        inSyncWrites.append(inSync.writes)
    }
    await admin.shutdown()
    try? FileManager.default.removeItem(at: base)
    print(
        String(
            format: "median cold sync: moor %.2fs, kubectl apply --server-side %.2fs; ratio %.2f",
            median(syncTimes.0), median(syncTimes.1), median(syncTimes.0) / median(syncTimes.1)))
    print(
        String(
            format: "median diff (1 changed object): moor %.2fs, kubectl diff --server-side %.2fs; ratio %.2f",
            median(diffTimes.0), median(diffTimes.1), median(diffTimes.0) / median(diffTimes.1)))
    print("write requests of a second, in-sync moor sync: \(inSyncWrites.map(String.init).joined(separator: ", "))")
}
