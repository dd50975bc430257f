/// Where an object came from: a file path relative to the source root and a 1-based line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Path relative to the rendered directory, e.g. `apps/web/deploy.yaml`.
    public var file: String
    /// 1-based line where the object's document starts; 0 when unknown.
    public var line: Int

    /// Creates a location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`, or just `file` when the line is unknown.
    public var description: String { line > 0 ? "\(file):\(line)" : file }
}

/// One desired object as rendered from Git, with the place it was written.
public struct ManifestObject: Sendable, Hashable {
    /// The object.
    public var object: JSONValue
    /// Where it was written.
    public var source: SourceLocation

    /// Creates a manifest object.
    public init(object: JSONValue, source: SourceLocation) {
        self.object = object
        self.source = source
    }

    /// The object's ref; `nil` when it lacks `apiVersion`, `kind` or `metadata.name`.
    public var ref: ObjectRef? { ObjectRef(object: object) }
}
