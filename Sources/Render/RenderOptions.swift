public import MoorCore

/// What to render inside a checkout and how: the application's path and its source type's options.
///
/// Mirrors the `source` of an Argo CD Application (`path`, `directory`, `kustomize`, `helm`); build
/// one from such an object with ``init(source:)``.
public struct RenderOptions: Sendable, Hashable {
    /// The application's directory relative to the checkout root; `""` or `.` is the root itself.
    public var path: String
    /// The source type and its options; `nil` detects the type from the files in ``path``
    /// (see ``Renderer/render(directory:options:)``) and renders it with default options.
    public var source: SourceKind?
    /// Where the objects go (destination namespace, cluster capabilities); part of what a render
    /// depends on, so two destinations never share a cached render.
    public var environment: RenderEnvironment
    /// The checkouts of a multi-source application's `ref` sources, by ref name: a `helm.valueFiles`
    /// entry `$NAME/path` reads `path` from the root of ref `NAME`'s checkout, confined to it.
    public var references: [String: String]

    /// Creates options for the application at `path`.
    public init(
        path: String = ".", source: SourceKind? = nil, environment: RenderEnvironment = RenderEnvironment(),
        references: [String: String] = [:]
    ) {
        self.path = path
        self.source = source
        self.environment = environment
        self.references = references
    }
}

/// The type of an application's source, with that type's options.
public enum SourceKind: Sendable, Hashable {
    /// Plain manifests (`.yaml`, `.yml`, `.json`) and Jsonnet programs (`.jsonnet`) in a directory.
    case directory(DirectoryOptions)
    /// A kustomization rendered with `kustomize build` (or `kubectl kustomize`).
    case kustomize(KustomizeOptions)
    /// A Helm chart rendered like `helm template`.
    case helm(HelmOptions)
}

/// Options of a directory source (Argo CD's `source.directory`).
public struct DirectoryOptions: Sendable, Hashable {
    /// Whether to read subdirectories too. Directories whose name starts with `.` are never read.
    public var recurse: Bool
    /// A glob (``Glob``) that a file's path relative to the application directory must match to be
    /// read; `nil` reads every manifest file.
    public var include: String?
    /// A glob that excludes matching files; it wins over ``include``.
    public var exclude: String?
    /// How `.jsonnet` files are evaluated.
    public var jsonnet: JsonnetOptions

    /// Creates directory options.
    public init(
        recurse: Bool = false, include: String? = nil, exclude: String? = nil,
        jsonnet: JsonnetOptions = JsonnetOptions()
    ) {
        self.recurse = recurse
        self.include = include
        self.exclude = exclude
        self.jsonnet = jsonnet
    }
}

/// Options for evaluating Jsonnet programs (Argo CD's `source.directory.jsonnet`).
public struct JsonnetOptions: Sendable, Hashable {
    /// External variables (`std.extVar`), passed as `--ext-str` or `--ext-code`.
    public var extVars: [JsonnetVariable]
    /// Top-level arguments of the program's function, passed as `--tla-str` or `--tla-code`.
    public var tlas: [JsonnetVariable]
    /// Library directories relative to the checkout root, searched by `import` (`-J`).
    public var libs: [String]

    /// Creates Jsonnet options.
    public init(extVars: [JsonnetVariable] = [], tlas: [JsonnetVariable] = [], libs: [String] = []) {
        self.extVars = extVars
        self.tlas = tlas
        self.libs = libs
    }
}

/// One Jsonnet external variable or top-level argument.
public struct JsonnetVariable: Sendable, Hashable {
    /// The variable's name.
    public var name: String
    /// Its value: a string, or Jsonnet code when ``code`` is `true`.
    public var value: String
    /// Whether ``value`` is Jsonnet code rather than a string.
    public var code: Bool

    /// Creates a variable.
    public init(name: String, value: String, code: Bool = false) {
        self.name = name
        self.value = value
        self.code = code
    }
}

/// Options of a Kustomize source (Argo CD's `source.kustomize`), applied like `kustomize edit` to
/// the application's kustomization before it is built.
public struct KustomizeOptions: Sendable, Hashable {
    /// Prefix added to every object's name (`namePrefix`).
    public var namePrefix: String?
    /// Suffix added to every object's name (`nameSuffix`).
    public var nameSuffix: String?
    /// Image overrides in `kustomize edit set image` form: `nginx:1.25`, `nginx@sha256:…`,
    /// `nginx=registry.example.com/nginx:1.25`.
    public var images: [String]
    /// Labels added to every object and selector (`commonLabels`), replacing equal keys.
    public var commonLabels: [String: String]
    /// Annotations added to every object (`commonAnnotations`), replacing equal keys.
    public var commonAnnotations: [String: String]
    /// Namespace set on every namespaced object (`namespace`).
    public var namespace: String?

    /// Creates Kustomize options.
    public init(
        namePrefix: String? = nil, nameSuffix: String? = nil, images: [String] = [],
        commonLabels: [String: String] = [:], commonAnnotations: [String: String] = [:], namespace: String? = nil
    ) {
        self.namePrefix = namePrefix
        self.nameSuffix = nameSuffix
        self.images = images
        self.commonLabels = commonLabels
        self.commonAnnotations = commonAnnotations
        self.namespace = namespace
    }
}

/// Options of a Helm source (Argo CD's `source.helm`), as `helm template` flags.
///
/// Values are combined in Helm's order: ``valueFiles`` in order, then ``values``, then
/// ``valuesObject``, then ``parameters``; maps merge key by key, anything else is replaced.
public struct HelmOptions: Sendable, Hashable {
    /// The release name (`.Release.Name`); `nil` uses the chart directory's name.
    public var releaseName: String?
    /// Values files relative to the chart directory; they must stay inside the checkout.
    public var valueFiles: [String]
    /// Inline values as a YAML document.
    public var values: String?
    /// Inline values as an object.
    public var valuesObject: JSONValue?
    /// `--set`-style overrides (`image.tag=1.2`, `hosts[0]=a.example.com`).
    public var parameters: [HelmParameter]
    /// API versions reported by `.Capabilities.APIVersions`, e.g. `monitoring.coreos.com/v1`; empty
    /// is the destination cluster's (``RenderEnvironment/apiVersions``).
    public var apiVersions: [String]
    /// Kubernetes version reported by `.Capabilities.KubeVersion`, e.g. `v1.32.0`; `nil` is the
    /// destination cluster's (``RenderEnvironment/kubeVersion``).
    public var kubeVersion: String?
    /// The release namespace (`.Release.Namespace`); `nil` is the destination namespace
    /// (``RenderEnvironment/namespace``), and `default` without one.
    public var namespace: String?
    /// Whether to leave out the objects in the chart's `crds/` directories.
    public var skipCrds: Bool

    /// Creates Helm options.
    public init(
        releaseName: String? = nil, valueFiles: [String] = [], values: String? = nil, valuesObject: JSONValue? = nil,
        parameters: [HelmParameter] = [], apiVersions: [String] = [], kubeVersion: String? = nil,
        namespace: String? = nil, skipCrds: Bool = false
    ) {
        self.releaseName = releaseName
        self.valueFiles = valueFiles
        self.values = values
        self.valuesObject = valuesObject
        self.parameters = parameters
        self.apiVersions = apiVersions
        self.kubeVersion = kubeVersion
        self.namespace = namespace
        self.skipCrds = skipCrds
    }
}

/// One `--set` override of a Helm value.
public struct HelmParameter: Sendable, Hashable {
    /// The value's path: keys separated by `.`, list elements as `[index]`; `\.` is a literal dot.
    public var name: String
    /// The value. Unless ``forceString`` is set, `true`/`false` become booleans, `null` removes the
    /// key, integers become numbers, and `{a,b}` becomes a list, as with `helm --set`.
    public var value: String
    /// Whether the value is always a string (`--set-string`).
    public var forceString: Bool

    /// Creates a parameter.
    public init(name: String, value: String, forceString: Bool = false) {
        self.name = name
        self.value = value
        self.forceString = forceString
    }
}
