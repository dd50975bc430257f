/// How a ``Renderer`` finds its tools and what it allows: per installation, not per application.
public struct RenderConfiguration: Sendable, Hashable {
    /// How Helm charts are rendered.
    public enum HelmEngine: Sendable, Hashable {
        /// `MOOR_HELM_LIBRARY` if set, else a `helm` binary on `PATH`, else the Helm library of the
        /// `helm-python-sdk` Python package (see ``library(path:)``).
        case automatic
        /// The `helm` binary at this path, run as `helm template`.
        case binary(path: String)
        /// In process through the Helm SDK's C library `libhelm_c.so`, loaded at run time: the file
        /// at `path` when given, else the one `MOOR_HELM_LIBRARY` names, else the first
        /// `helm_python/lib/libhelm_c.so` in the `site-packages` or `dist-packages` directories of
        /// Python installations (`$VIRTUAL_ENV`, `$CONDA_PREFIX`, the prefix of each `python3` on
        /// `PATH`, `~/.pyenv/versions/*`, `~/.local`, `/usr/local`, `/usr`), as
        /// `pip install helm-python-sdk` puts it.
        case library(path: String?)
    }

    /// The `kustomize` binary, or a `kubectl` binary (used as `kubectl kustomize`); `nil` looks for
    /// `kustomize`, then `kubectl`, on `PATH`.
    public var kustomizePath: String?
    /// The `jsonnet` binary; `nil` looks for `jsonnet` on `PATH`.
    public var jsonnetPath: String?
    /// How Helm charts are rendered.
    public var helm: HelmEngine
    /// When set, the Helm library runs in a child process, under ``toolMemoryLimit`` and stopped at the
    /// tool timeout (the controller's choice: a chart bomb costs only its own application); `nil` runs
    /// it in this process (the CLI). The `helm` binary always runs as a child.
    public var helmIsolation: HelmIsolation?
    /// The most memory (`RLIMIT_DATA`, set through util-linux's `prlimit`) one tool run may use:
    /// `kustomize`, `jsonnet`, `helm` and the Helm library's child; `nil` for no limit (the CLI). The
    /// Go tools need at least 256 MiB.
    public var toolMemoryLimit: Int?
    /// How long one tool run may take before it and its children are killed.
    public var toolTimeout: Duration
    /// The largest file read from the checkout (manifests, values files, kustomizations), in bytes.
    public var maxFileSize: Int
    /// The most output read from one tool run, in bytes.
    public var maxToolOutput: Int
    /// The most objects one render may yield.
    public var maxObjects: Int

    /// Creates a configuration; the defaults suit a controller.
    public init(
        kustomizePath: String? = nil, jsonnetPath: String? = nil, helm: HelmEngine = .automatic,
        toolTimeout: Duration = .seconds(90), maxFileSize: Int = 10 << 20, maxToolOutput: Int = 64 << 20,
        maxObjects: Int = 10_000, helmIsolation: HelmIsolation? = nil, toolMemoryLimit: Int? = nil
    ) {
        self.kustomizePath = kustomizePath
        self.jsonnetPath = jsonnetPath
        self.helm = helm
        self.toolTimeout = toolTimeout
        self.maxFileSize = maxFileSize
        self.maxToolOutput = maxToolOutput
        self.maxObjects = maxObjects
        self.helmIsolation = helmIsolation
        self.toolMemoryLimit = toolMemoryLimit
    }
}
