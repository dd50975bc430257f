import MoorCore
import MoorYAML

/// Turns manifest text (a YAML stream or one JSON document) into objects, flattening lists.
enum ManifestDecoder {
    /// Reads every document of a YAML stream. `text` starts on line `firstLine` of the output it was
    /// cut from; `location` maps a 1-based line of that output to the place to report (the file
    /// itself, or the template or kustomization that produced the text).
    static func yaml(
        _ text: String, firstLine: Int = 1, at location: (Int) -> SourceLocation
    ) throws(RenderError) -> [ManifestObject] {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(text)
        } catch {
            let line = error.line > 0 ? error.line + firstLine - 1 : error.line
            throw syntaxError("YAML", reason: error.reason, line: line, at: location)
        }
        var objects: [ManifestObject] = []
        for document in documents {
            try flatten(document.value, at: location(document.line + firstLine - 1), into: &objects)
        }
        return objects
    }

    /// Reads one JSON document (an object, a list of objects, or a `List`).
    static func json(_ text: String, at location: (Int) -> SourceLocation) throws(RenderError) -> [ManifestObject] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw syntaxError("JSON", reason: error.reason, line: error.line, at: location)
        }
        var objects: [ManifestObject] = []
        try flatten(value, at: location(1), into: &objects)
        return objects
    }

    /// Appends the objects in `value`: an object, a `List` (or other `…List` kind with `items`),
    /// or an array of those; `null` contributes nothing.
    static func flatten(
        _ value: JSONValue, at location: SourceLocation, into objects: inout [ManifestObject]
    ) throws(RenderError) {
        switch value {
        case .null:
            return
        case .array(let elements):
            for element in elements { try flatten(element, at: location, into: &objects) }
        case .object:
            if let kind = value["kind"]?.stringValue, kind.hasSuffix("List"), let items = value["items"]?.arrayValue {
                for item in items {
                    guard item.objectValue != nil else {
                        throw RenderError(
                            .invalidObject, at: location, "every item of a \(kind) must be a Kubernetes object")
                    }
                    try flatten(item, at: location, into: &objects)
                }
            } else {
                objects.append(ManifestObject(object: value, source: location))
            }
        default:
            throw RenderError(
                .invalidObject, at: location,
                "expected a Kubernetes object (a mapping with apiVersion, kind and metadata), found a \(value.typeName)"
            )
        }
    }

    private static func syntaxError(
        _ format: String, reason: String, line: Int, at location: (Int) -> SourceLocation
    ) -> RenderError {
        let place = location(line)
        let outputLine = place.line != line && line > 0 ? " (line \(line) of the rendered output)" : ""
        return RenderError(.invalidSyntax, at: place, "invalid \(format)\(outputLine): \(reason)")
    }
}

extension JSONValue {
    /// `string`, `number`, … for messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "list"
        case .object: "mapping"
        }
    }
}
