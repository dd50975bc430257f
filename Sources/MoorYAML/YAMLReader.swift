public import MoorCore

/// One document of a multi-document YAML stream, as JSON, with the line where its content starts.
public struct YAMLDocument: Sendable, Hashable {
    /// The document's value; never `.null` when read by ``YAMLReader/documents(_:)``.
    public var value: JSONValue
    /// 1-based line of the document's first node (after any `---` and comments).
    public var line: Int

    /// Creates a document.
    public init(value: JSONValue, line: Int) {
        self.value = value
        self.line = line
    }
}

/// Reads YAML into ``JSONValue`` trees, the way Kubernetes (`kubectl`, `sigs.k8s.io/yaml`) reads it.
public enum YAMLReader {
    /// Reads every document of a YAML stream in order, keeping mapping key order.
    ///
    /// Documents that are empty, comments only, or `null` are skipped. Plain scalars resolve with YAML 1.1
    /// rules as go-yaml v2 does (`yes` and `on` are booleans, `0777` is octal 511, timestamps stay strings);
    /// quoted and block scalars are always strings; non-string keys become strings (`1: a` gives `"1"`,
    /// `yes: a` gives `"true"`); anchors, aliases and `<<` merge keys are expanded.
    ///
    /// Throws ``YAMLError`` with the line of the first problem (syntax error, duplicate key, null or
    /// collection key, undefined alias, excessive aliasing, nesting deeper than ``JSONValue/maxDepth``);
    /// nothing is returned then.
    public static func documents(_ text: String) throws(YAMLError) -> [YAMLDocument] {
        var text = text
        return try text.withUTF8 { input in
            Result { () throws(YAMLError) in
                var composer = YAMLComposer(input: input)
                return try composer.documents()
            }
        }.get()
    }

    /// Reads a stream that must hold at most one non-empty document (none reads as `null`).
    public static func value(_ text: String) throws(YAMLError) -> JSONValue {
        let docs = try documents(text)
        guard docs.count <= 1 else {
            throw YAMLError(line: docs[1].line, reason: "expected one YAML document, found \(docs.count)")
        }
        return docs.first?.value ?? .null
    }
}
