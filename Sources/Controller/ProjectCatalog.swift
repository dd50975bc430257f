internal import KubeClient
internal import Logging
internal import MoorCore
internal import Projects

/// The AppProjects of the controller's namespace: Moor's `appprojects.moor.dev` and Argo CD's
/// `appprojects.argoproj.io`, read as they are (a Moor project wins over an Argo CD one of the same name).
///
/// Re-read at most once per `interval` when asked (``current()``), so a project edited or added takes
/// effect at the next reconcile of each of its applications, without a restart. A kind the cluster does not
/// serve, or that the controller may not list, holds no projects; any other failure to read keeps the last
/// projects. A project that does not parse is kept as its error: its applications are refused with it.
actor ProjectCatalog {
    /// The projects as last read, and a number that changes whenever they changed.
    struct Current: Sendable {
        /// The projects that parse, by name.
        let projects: [String: AppProject]
        /// Why each project that does not parse cannot be used, by name.
        let broken: [String: String]
        /// Increases by one with every change.
        let generation: Int
        /// The namespace they live in.
        let namespace: String

        /// The project `name`: the AppProject of that name, or the built-in `default` when no project is
        /// named `default`; a ``ProjectRefusal`` saying it is missing or broken otherwise.
        func project(_ name: String) throws(ProjectRefusal) -> AppProject {
            if let project = projects[name] { return project }
            if let error = broken[name] {
                throw ProjectRefusal("project \(name) cannot be used: \(error); fix the AppProject")
            }
            if name == "default" { return AppProject.builtInDefault(namespace: namespace) }
            throw ProjectRefusal(
                "project \(name) does not exist: create the AppProject \(name) in namespace \(namespace), "
                    + "or use another spec.project")
        }
    }

    /// The resources read, Moor's first. They are listed as these well-known resources, not found through
    /// discovery: asking discovery about a kind the cluster does not serve reads all of it again.
    static let resources = ["moor.dev", "argoproj.io"].map { group in
        APIResource(
            group: group, version: "v1alpha1", kind: AppProject.kind, name: "appprojects", namespaced: true,
            verbs: ["list"])
    }

    private let client: KubeClient
    private let namespace: String
    private let logger: Logger
    /// The resource versions behind ``latest``, to tell a change.
    private var versions: [String] = []
    private var latest: Current
    /// When to read again.
    private var schedule: RefreshSchedule

    /// Reads the projects in `namespace` through `client`, at most every `interval` of `clock`.
    init(client: KubeClient, namespace: String, interval: Duration, clock: MoorClock, logger: Logger) {
        self.client = client
        self.namespace = namespace
        schedule = RefreshSchedule(interval: interval, clock: clock)
        self.logger = logger
        latest = Current(projects: [:], broken: [:], generation: 0, namespace: namespace)
    }

    /// The projects, read again first when the last read is `interval` old. Callers arriving while a read
    /// is under way get the projects before it.
    func current() async -> Current {
        guard schedule.isDue() else { return latest }
        var manifests: [JSONValue] = []
        for resource in Self.resources {
            guard let listed = await list(resource) else { return latest }
            manifests += listed
        }
        let read = manifests.map { $0[path: "metadata", "resourceVersion"]?.stringValue ?? "" }
        guard read != versions else { return latest }
        versions = read
        var projects: [String: AppProject] = [:]
        var broken: [String: String] = [:]
        // Argo CD's first, so that Moor's project of the same name replaces it.
        for manifest in manifests.reversed() {
            let name = manifest[path: "metadata", "name"]?.stringValue ?? ""
            do {
                projects[name] = try AppProject(manifest: manifest)
                broken[name] = nil
            } catch {
                logger.error("an AppProject cannot be used", metadata: ["project": "\(name)", "error": "\(error)"])
                broken[name] = "\(error)"
                projects[name] = nil
            }
        }
        latest = Current(projects: projects, broken: broken, generation: latest.generation + 1, namespace: namespace)
        return latest
    }

    /// The AppProjects of `resource` in the namespace: none when the kind is not served or may not be
    /// listed, `nil` when they cannot be read now.
    private func list(_ resource: APIResource) async -> [JSONValue]? {
        await client.listConfiguration(resource, namespace: namespace, what: "the AppProjects", logger: logger)
    }
}

/// Why an application may not be reconciled under its project (an `InvalidSpecError`): the message names
/// the project and the rule, and says what to change.
struct ProjectRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is refused and what to do.
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
