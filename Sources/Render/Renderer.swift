public import Logging
public import MoorCore

/// Turns an application's directory in a checkout into the objects it declares.
///
/// Contract: ``render(directory:options:)`` returns every object, each valid and unique, with the
/// file (relative to the checkout) and line it came from — or throws a ``RenderError`` and returns
/// nothing. There are no partial results, so a failed render can never be mistaken for an
/// application whose objects were deleted (the sync engine relies on this to never prune after a
/// failed render).
///
/// Safety: every path an option or a file names is confined to the checkout (`..` above the root,
/// absolute paths and symlinks leading outside are refused, before any tool runs); files are read
/// up to ``RenderConfiguration/maxFileSize``; tools run without a shell, with a timeout that kills
/// them and their children, and bounded output. Kustomize overrides are written into the
/// application's kustomization for the duration of the build (and the file restored after), so
/// one directory must not be rendered twice at the same time; exports of a commit are best.
public struct Renderer: Sendable {
    /// The tools and limits in use.
    public let configuration: RenderConfiguration
    private let logger: Logger

    /// Creates a renderer.
    public init(
        configuration: RenderConfiguration = RenderConfiguration(), logger: Logger = Logger(label: "moor.render")
    ) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Renders the application at `options.path` inside the checkout at `directory`.
    ///
    /// The source type is `options.source`, or detected like Argo CD does: a kustomization file
    /// (`kustomization.yaml`, `kustomization.yml`, `Kustomization`) means Kustomize, else a
    /// `Chart.yaml` means Helm, else a directory of manifests (`.yaml`, `.yml`, `.json`, `.jsonnet`).
    public func render(directory: String, options: RenderOptions) async throws(RenderError) -> [ManifestObject] {
        let root = try SourceRoot(directory, maxFileSize: configuration.maxFileSize)
        let application = try root.resolve(options.path.isEmpty ? "." : options.path, what: "path")
        guard FileSystem.targetKind(application.absolute) == .directory else {
            throw RenderError(.notFound, "path \(quoted(options.path)) is not a directory in the repository")
        }
        let source = options.source ?? Self.detect(in: application, root: root)
        let runner = ToolRunner(
            timeout: configuration.toolTimeout, maxOutput: configuration.maxToolOutput,
            memoryLimit: configuration.toolMemoryLimit)
        var validator = ManifestValidator(maxObjects: configuration.maxObjects)
        switch source {
        case .directory(let directory):
            let jsonnet = JsonnetRenderer(
                root: root, options: directory.jsonnet, runner: runner, executable: configuration.jsonnetPath)
            let renderer = DirectoryRenderer(root: root, options: directory, jsonnet: jsonnet)
            try await renderer.render(application, into: &validator)
        case .kustomize(let kustomize):
            let renderer = KustomizeRenderer(
                root: root, options: kustomize, runner: runner, executable: configuration.kustomizePath)
            try validator.add(try await renderer.render(application))
        case .helm(let helm):
            let renderer = HelmRenderer(
                root: root, options: helm, environment: options.environment, references: options.references,
                runner: runner,
                engine: configuration.helm, isolation: configuration.helmIsolation, logger: logger)
            try validator.add(try await renderer.render(application))
        }
        logger.debug("rendered \(validator.objects.count) objects", metadata: ["path": "\(application)"])
        return validator.objects
    }

    private static func detect(in directory: ConfinedPath, root: SourceRoot) -> SourceKind {
        if Kustomization.file(in: directory, root: root) != nil { return .kustomize(KustomizeOptions()) }
        if FileSystem.targetKind(root.child("Chart.yaml", of: directory).absolute) == .file {
            return .helm(HelmOptions())
        }
        return .directory(DirectoryOptions())
    }
}
