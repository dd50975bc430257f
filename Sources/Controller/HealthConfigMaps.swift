internal import Health
internal import HealthScript
internal import KubeClient
internal import Logging
internal import MoorCore

/// The health customizations of the controller's namespace, read from the ConfigMaps `moor-cm` and Argo CD's
/// `argocd-cm` (same keys; `moor-cm` wins per key, see ``HealthScript/HealthCustomizations/init(moorConfigMap:argoConfigMap:)``).
///
/// Re-read at most once per `interval` when asked (``current()``), so edits take effect without a restart at
/// the cost of two GETs per interval; scripts are compiled again only when the ConfigMaps' data changed. A
/// ConfigMap that is absent or that the controller may not read counts as empty; any other failure to read
/// keeps the last configuration. Customizations that cannot be used are logged as warnings naming their key
/// (once per change); the others still apply.
actor HealthConfigMaps {
    /// The name of Moor's own ConfigMap.
    static let moorName = "moor-cm"
    /// The name of Argo CD's ConfigMap, read with the same keys.
    static let argoName = "argocd-cm"

    /// What the controller assesses health with now, and a number that changes whenever that changed.
    struct Current: Sendable {
        /// The assessor.
        let assessor: HealthAssessor
        /// Increases by one with every change of the configuration.
        let generation: Int
    }

    /// Reads them.
    private let client: KubeClient
    /// Where they are.
    private let namespace: String
    /// When reads are due.
    private let logger: Logger
    /// The data last read (`moor-cm`, `argocd-cm`).
    private var data: (moor: [String: String], argo: [String: String]) = ([:], [:])
    private var latest = Current(assessor: .builtIn, generation: 0)
    /// When to read again.
    private var schedule: RefreshSchedule

    /// Reads the ConfigMaps in `namespace` through `client`, at most every `interval` of `clock`.
    init(client: KubeClient, namespace: String, interval: Duration, clock: MoorClock, logger: Logger) {
        self.client = client
        self.namespace = namespace
        schedule = RefreshSchedule(interval: interval, clock: clock)
        self.logger = logger
    }

    /// The assessor of the configuration, read again first when the last read is `interval` old. Callers
    /// arriving while a read is under way get the configuration before it.
    func current() async -> Current {
        guard schedule.isDue() else { return latest }
        guard let moor = await read(Self.moorName), let argo = await read(Self.argoName) else { return latest }
        guard moor != data.moor || argo != data.argo else { return latest }
        data = (moor, argo)
        let scripts = HealthScripts(HealthCustomizations(moorConfigMap: moor, argoConfigMap: argo))
        for problem in scripts.problems {
            logger.warning(
                "health customization left out", metadata: ["namespace": "\(namespace)", "problem": "\(problem)"])
        }
        latest = Current(assessor: HealthAssessor(custom: scripts), generation: latest.generation + 1)
        return latest
    }

    /// The string values of the ConfigMap's `data`: empty when it is absent or forbidden, `nil` when it
    /// cannot be read now.
    private func read(_ name: String) async -> [String: String]? {
        let ref = ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: namespace, name: name)
        do {
            let configMap = try await client.get(ref)
            var data: [String: String] = [:]
            for (key, value) in configMap["data"]?.objectValue ?? JSONObject() {
                if let text = value.stringValue { data[key] = text }
            }
            return data
        } catch  where error.code == .notFound || error.code == .forbidden {
            return [:]
        } catch {
            logger.warning(
                "cannot read the health customizations; keeping the last ones",
                metadata: ["configMap": "\(namespace)/\(name)", "error": "\(error)"])
            return nil
        }
    }
}
