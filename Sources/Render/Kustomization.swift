import MoorCore
import MoorYAML

/// One kustomization file: the paths it makes kustomize read, and Argo CD's `kustomize edit`s.
struct Kustomization {
    /// The names kustomize looks for in a directory, in its order.
    static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// A path the kustomization names, with the field that names it.
    struct Reference {
        /// The path as written.
        let path: String
        /// The field, e.g. `resources` or `configMapGenerator.files`.
        let field: String
        /// Whether the field also takes remote URLs (`resources`, `bases`, `components`).
        let mayBeRemote: Bool
    }

    /// The file.
    let file: ConfinedPath
    /// Its text as read.
    let text: String
    /// Its content.
    private(set) var content: JSONObject

    /// The kustomization file in `directory`, if there is one.
    static func file(in directory: ConfinedPath, root: SourceRoot) -> ConfinedPath? {
        fileNames.lazy.map { root.child($0, of: directory) }.first { FileSystem.targetKind($0.absolute) == .file }
    }

    /// Reads and parses `file`; it must be a YAML mapping.
    init(_ file: ConfinedPath, root: SourceRoot) throws(RenderError) {
        try root.checkPhysical(file, what: "'\(file.relative)'")
        text = try root.readText(file)
        let value: JSONValue
        do {
            value = try YAMLReader.value(text)
        } catch {
            throw RenderError(.invalidSyntax, at: file.location(line: error.line), "invalid YAML: \(error.reason)")
        }
        guard let object = value.objectValue else {
            throw RenderError(.invalidSyntax, at: file.location(line: 1), "a kustomization must be a YAML mapping")
        }
        self.file = file
        self.content = object
    }

    /// Every local or remote path the kustomization makes kustomize read.
    var references: [Reference] {
        var result: [Reference] = []
        func add(_ value: JSONValue?, _ field: String, remote: Bool = false, inline: Bool = false) {
            for path in value?.arrayValue?.compactMap(\.stringValue) ?? value?.stringValue.map({ [$0] }) ?? [] {
                if inline, path.contains("\n") || path.contains(": ") || path.hasPrefix("{") { continue }
                result.append(Reference(path: path, field: field, mayBeRemote: remote))
            }
        }
        for field in ["resources", "bases", "components"] { add(content[field], field, remote: true) }
        for field in ["crds", "configurations"] { add(content[field], field) }
        for field in ["patchesStrategicMerge", "generators", "transformers", "validators"] {
            add(content[field], field, inline: true)
        }
        for field in ["patches", "patchesJson6902", "replacements"] {
            for entry in content[field]?.arrayValue ?? [] { add(entry["path"], "\(field).path") }
        }
        for field in ["configMapGenerator", "secretGenerator"] {
            for generator in content[field]?.arrayValue ?? [] {
                for file in generator["files"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    let path = file.split(separator: "=", maxSplits: 1).last.map(String.init) ?? file
                    result.append(Reference(path: path, field: "\(field).files", mayBeRemote: false))
                }
                add(generator["envs"], "\(field).envs")
                add(generator["env"], "\(field).env")
            }
        }
        add(content["openapi"]?["path"], "openapi.path")
        return result
    }

    /// The 1-based line of the first line containing `needle`, for errors; 0 if none.
    func line(of needle: String) -> Int {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if line.contains(needle) { return number }
        }
        return 0
    }

    /// Applies Argo CD's overrides as `kustomize edit` would: prefix, suffix and namespace replace
    /// the file's; labels and annotations are merged in (replacing equal keys); images replace the
    /// entry of the same name, or are appended.
    mutating func apply(_ options: KustomizeOptions) throws(RenderError) {
        if let prefix = options.namePrefix { content["namePrefix"] = .string(prefix) }
        if let suffix = options.nameSuffix { content["nameSuffix"] = .string(suffix) }
        if let namespace = options.namespace { content["namespace"] = .string(namespace) }
        merge(options.commonLabels, into: "commonLabels")
        merge(options.commonAnnotations, into: "commonAnnotations")
        var images = content["images"]?.arrayValue ?? []
        for text in options.images {
            let image = try KustomizeImage(text)
            if let index = images.firstIndex(where: { $0["name"]?.stringValue == image.name }) {
                images[index] = image.applied(to: images[index])
            } else {
                images.append(image.applied(to: ["name": .string(image.name)]))
            }
        }
        if !images.isEmpty { content["images"] = .array(images) }
    }

    /// Asks kustomize to annotate each object with the file it came from
    /// (`buildMetadata: [originAnnotations]`); returns whether the file asked for that already.
    mutating func requestOrigins() -> Bool {
        var metadata = content["buildMetadata"]?.arrayValue ?? []
        if metadata.contains("originAnnotations") { return true }
        metadata.append("originAnnotations")
        content["buildMetadata"] = .array(metadata)
        return false
    }

    /// The (edited) content as YAML.
    var yaml: String { YAMLWriter.document(.object(content)) }

    private mutating func merge(_ pairs: [String: String], into field: String) {
        guard !pairs.isEmpty else { return }
        var map = content[field]?.objectValue ?? JSONObject()
        for key in pairs.keys.sorted() { map[key] = .string(pairs[key]!) }
        content[field] = .object(map)
    }
}

/// One `kustomize edit set image` argument: `name[=newName][:tag][@digest]`.
struct KustomizeImage: Equatable {
    let name: String
    let newName: String?
    let newTag: String?
    let digest: String?

    /// Parses `nginx:1.25`, `nginx@sha256:…`, `nginx=registry.example.com/nginx:1.25`.
    init(_ text: String) throws(RenderError) {
        let invalid = RenderError(
            .invalidOptions,
            "kustomize.images entry \(quoted(text)) is not valid; write it as name:tag, name@digest or name=newName:tag"
        )
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else { throw invalid }
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var reference = parts.last!
        var digest: String?
        if let at = reference.firstIndex(of: "@") {
            digest = String(reference[reference.index(after: at)...])
            reference = String(reference[..<at])
        }
        var tag: String?
        if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
            tag = String(reference[reference.index(after: colon)...])
            reference = String(reference[..<colon])
        }
        let name = parts.count == 2 ? parts[0] : reference
        guard !name.isEmpty, !reference.isEmpty, tag?.isEmpty != true, digest?.isEmpty != true else { throw invalid }
        self.name = name
        self.newName = parts.count == 2 && reference != name ? reference : nil
        self.newTag = tag
        self.digest = digest
    }

    /// `entry` (an `images` item with the same name) with this override applied: a tag replaces
    /// a digest and the other way round.
    func applied(to entry: JSONValue) -> JSONValue {
        var entry = entry
        if let newName { entry["newName"] = .string(newName) }
        if let newTag {
            entry["newTag"] = .string(newTag)
            entry["digest"] = nil
        }
        if let digest {
            entry["digest"] = .string(digest)
            entry["newTag"] = nil
        }
        return entry
    }
}
