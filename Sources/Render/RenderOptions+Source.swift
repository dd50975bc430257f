public import MoorCore

extension RenderOptions {
    /// Reads the options from the `source` object of an Argo CD Application.
    ///
    /// Reads `path`, `directory`, `kustomize` and `helm`; `repoURL`, `targetRevision`, `chart`, `ref`
    /// and `name` belong to the fetch and are ignored. A source type is chosen explicitly when exactly
    /// one of `directory`, `kustomize` and `helm` sets a non-default option (as Argo CD does);
    /// otherwise it is detected at render time. Throws ``RenderError/Code-swift.struct/invalidOptions``
    /// naming the field for a field of the wrong type, an option Moor does not support (instead of
    /// ignoring it and rendering something else than the user asked for), and for options of more
    /// than one source type.
    public init(source: JSONValue) throws(RenderError) {
        let fields = try SourceFields(source, at: "source")
        if fields.has("plugin") {
            throw fields.error("plugin", "is not supported: Moor has no config management plugins")
        }
        try fields.rejectUnknown(
            known: ["repoURL", "targetRevision", "ref", "name", "chart", "path", "directory", "kustomize", "helm"])
        var kinds: [(name: String, kind: SourceKind)] = []
        if let directory = try fields.object("directory").map(DirectoryOptions.init(fields:)),
            directory != DirectoryOptions()
        {
            kinds.append(("directory", .directory(directory)))
        }
        if let kustomize = try fields.object("kustomize").map(KustomizeOptions.init(fields:)),
            kustomize != KustomizeOptions()
        {
            kinds.append(("kustomize", .kustomize(kustomize)))
        }
        if let helm = try fields.object("helm").map(HelmOptions.init(fields:)), helm != HelmOptions() {
            kinds.append(("helm", .helm(helm)))
        }
        guard kinds.count <= 1 else {
            let names = kinds.map { "source.\($0.name)" }.joined(separator: " and ")
            throw RenderError(.invalidOptions, "\(names) are both set; an application has one source type, keep one")
        }
        self.init(path: try fields.string("path") ?? ".", source: kinds.first?.kind)
    }
}

extension DirectoryOptions {
    fileprivate init(fields: SourceFields) throws(RenderError) {
        try fields.rejectUnknown(known: ["recurse", "include", "exclude", "jsonnet"])
        self.init(
            recurse: try fields.bool("recurse") ?? false,
            include: try fields.string("include").flatMap { $0.isEmpty ? nil : $0 },
            exclude: try fields.string("exclude").flatMap { $0.isEmpty ? nil : $0 },
            jsonnet: try fields.object("jsonnet").map(JsonnetOptions.init(fields:)) ?? JsonnetOptions()
        )
    }
}

extension JsonnetOptions {
    fileprivate init(fields: SourceFields) throws(RenderError) {
        try fields.rejectUnknown(known: ["extVars", "tlas", "libs"])
        self.init(
            extVars: try fields.objects("extVars").map(JsonnetVariable.init(fields:)),
            tlas: try fields.objects("tlas").map(JsonnetVariable.init(fields:)),
            libs: try fields.strings("libs")
        )
    }
}

extension JsonnetVariable {
    fileprivate init(fields: SourceFields) throws(RenderError) {
        try fields.rejectUnknown(known: ["name", "value", "code"])
        self.init(
            name: try fields.requiredString("name"), value: try fields.string("value") ?? "",
            code: try fields.bool("code") ?? false)
    }
}

extension KustomizeOptions {
    fileprivate init(fields: SourceFields) throws(RenderError) {
        try fields.rejectUnknown(
            known: ["namePrefix", "nameSuffix", "images", "commonLabels", "commonAnnotations", "namespace"])
        self.init(
            namePrefix: try fields.string("namePrefix").flatMap { $0.isEmpty ? nil : $0 },
            nameSuffix: try fields.string("nameSuffix").flatMap { $0.isEmpty ? nil : $0 },
            images: try fields.strings("images"),
            commonLabels: try fields.stringMap("commonLabels"),
            commonAnnotations: try fields.stringMap("commonAnnotations"),
            namespace: try fields.string("namespace").flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}

extension HelmOptions {
    fileprivate init(fields: SourceFields) throws(RenderError) {
        try fields.rejectUnknown(known: [
            "releaseName", "valueFiles", "values", "valuesObject", "parameters", "apiVersions", "kubeVersion",
            "namespace", "skipCrds",
        ])
        let valuesObject = try fields.object("valuesObject")
        self.init(
            releaseName: try fields.string("releaseName").flatMap { $0.isEmpty ? nil : $0 },
            valueFiles: try fields.strings("valueFiles"),
            values: try fields.string("values").flatMap { $0.isEmpty ? nil : $0 },
            valuesObject: valuesObject.map { .object($0.object) },
            parameters: try fields.objects("parameters").map(HelmParameter.init(fields:)),
            apiVersions: try fields.strings("apiVersions"),
            kubeVersion: try fields.string("kubeVersion").flatMap { $0.isEmpty ? nil : $0 },
            namespace: try fields.string("namespace").flatMap { $0.isEmpty ? nil : $0 },
            skipCrds: try fields.bool("skipCrds") ?? false
        )
    }
}

extension HelmParameter {
    fileprivate init(fields: SourceFields) throws(RenderError) {
        try fields.rejectUnknown(known: ["name", "value", "forceString"])
        self.init(
            name: try fields.requiredString("name"), value: try fields.string("value") ?? "",
            forceString: try fields.bool("forceString") ?? false)
    }
}

/// Typed access to one object of the `source` tree, with errors that name the field's full path.
private struct SourceFields {
    let object: JSONObject
    let path: String

    init(_ value: JSONValue, at path: String) throws(RenderError) {
        guard let object = value.objectValue else {
            throw RenderError(.invalidOptions, "\(path) must be an object")
        }
        self.object = object
        self.path = path
    }

    func error(_ key: String, _ problem: String) -> RenderError {
        RenderError(.invalidOptions, "\(path).\(key) \(problem)")
    }

    func has(_ key: String) -> Bool {
        object[key].map { !$0.isNull } ?? false
    }

    func rejectUnknown(known: Set<String>) throws(RenderError) {
        for key in object.keys where !known.contains(key) {
            throw error(key, "is not supported by Moor; remove it")
        }
    }

    func string(_ key: String) throws(RenderError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let string = value.stringValue else { throw error(key, "must be a string") }
        return string
    }

    func requiredString(_ key: String) throws(RenderError) -> String {
        guard let value = try string(key), !value.isEmpty else { throw error(key, "must be set") }
        return value
    }

    func bool(_ key: String) throws(RenderError) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let bool = value.boolValue else { throw error(key, "must be true or false") }
        return bool
    }

    func strings(_ key: String) throws(RenderError) -> [String] {
        guard let value = object[key], !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw error(key, "must be a list of strings") }
        var result: [String] = []
        for element in array {
            guard let string = element.stringValue else { throw error(key, "must be a list of strings") }
            result.append(string)
        }
        return result
    }

    func stringMap(_ key: String) throws(RenderError) -> [String: String] {
        guard let value = object[key], !value.isNull else { return [:] }
        guard let map = value.objectValue else { throw error(key, "must be a map of strings") }
        var result: [String: String] = [:]
        for (name, element) in map {
            guard let string = element.stringValue else {
                throw error("\(key).\(name)", "must be a string (quote the value)")
            }
            result[name] = string
        }
        return result
    }

    func object(_ key: String) throws(RenderError) -> SourceFields? {
        guard let value = object[key], !value.isNull else { return nil }
        return try SourceFields(value, at: "\(path).\(key)")
    }

    func objects(_ key: String) throws(RenderError) -> [SourceFields] {
        guard let value = object[key], !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw error(key, "must be a list of objects") }
        var result: [SourceFields] = []
        for (index, element) in array.enumerated() {
            result.append(try SourceFields(element, at: "\(path).\(key)[\(index)]"))
        }
        return result
    }
}
