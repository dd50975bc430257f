import Foundation
import KubeClient
import MoorCore

func configMaps(_ count: Int, namespace: String) -> [JSONValue] {
    (0..<count).map { index in
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string("bench-\(index)"), "namespace": .string(namespace),
                "labels": ["app.kubernetes.io/managed-by": "moor", "bench": "apply"],
            ],
            "data": ["index": .string(String(index)), "payload": .string(String(repeating: "x", count: 200))],
        ]
    }
}

/// Applies `objects` ConfigMaps into a fresh namespace per run, Moor (KubeClient, bounded
/// parallelism) and `kubectl apply --server-side -f` alternating, and prints medians and ratio.
func benchApply(_ options: Options) async throws {
    let client = try KubeClient(kubeconfig: [options.kubeconfig], maxInFlight: options.parallel)
    defer { Task { await client.shutdown() } }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var moorTimes: [Double] = []
    var kubectlTimes: [Double] = []
    print(
        "apply \(options.objects) ConfigMaps, \(options.runs) runs each, alternating; Moor parallelism \(options.parallel)"
    )
    for run in 0..<(options.runs + 1) {
        let suffix = "\(getpid())-\(run)"
        // Moor
        let moorNamespace = "bench-moor-\(suffix)"
        _ = try await client.apply(namespaceObject(moorNamespace), fieldManager: "moor")
        let objects = configMaps(options.objects, namespace: moorNamespace)
        let moor = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for object in objects {
                    group.addTask { _ = try await client.apply(object, fieldManager: "moor") }
                }
                try await group.waitForAll()
            }
        }
        // kubectl
        let kubectlNamespace = "bench-kubectl-\(suffix)"
        _ = try await client.apply(namespaceObject(kubectlNamespace), fieldManager: "moor")
        let file = directory.appendingPathComponent("objects-\(run).json")
        let list: JSONValue = [
            "apiVersion": "v1", "kind": "List",
            "items": .array(configMaps(options.objects, namespace: kubectlNamespace)),
        ]
        try Data(list.jsonBytes()).write(to: file)
        var status: Int32 = 0
        let kubectl = try await seconds {
            status = try shell(
                ["kubectl", "apply", "--server-side", "--field-manager=bench", "-f", file.path],
                environment: ["KUBECONFIG": options.kubeconfig])
        }
        guard status == 0 else { throw BenchError("kubectl apply failed with status \(status)") }
        for namespace in [moorNamespace, kubectlNamespace] {
            try? await client.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: namespace))
        }
        if run == 0 {
            print(String(format: "warm-up: moor %.2fs, kubectl %.2fs (not counted)", moor, kubectl))
            continue
        }
        moorTimes.append(moor)
        kubectlTimes.append(kubectl)
        print(String(format: "run %d: moor %.2fs, kubectl %.2fs, ratio %.2f", run, moor, kubectl, moor / kubectl))
    }
    let ratios = zip(moorTimes, kubectlTimes).map { $0 / $1 }
    print(
        String(
            format:
                "median: moor %.2fs, kubectl --server-side %.2fs; ratio moor/kubectl %.2f (median of per-run ratios %.2f)",
            median(moorTimes), median(kubectlTimes), median(moorTimes) / median(kubectlTimes), median(ratios)))
    try? FileManager.default.removeItem(at: directory)
}
