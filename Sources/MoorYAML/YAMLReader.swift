public import MoorCore
internal import Yams

/// One document of a multi-document YAML stream, as JSON, with the line where its content starts.
public struct YAMLDocument: Sendable, Hashable {
    /// The document's value; `.null` for an empty document.
    public var value: JSONValue
    /// 1-based line of the document's first node.
    public var line: Int
}

/// Reads YAML into ``JSONValue`` trees.
public enum YAMLReader {
    /// Reads every document of a YAML stream in order, keeping mapping key order.
    ///
    /// Empty documents (only comments, or `---` alone) are skipped. Scalars resolve as Kubernetes
    /// reads them (see ``YAMLScalar``); anchors, aliases and `<<` merge keys are expanded.
    /// Throws ``YAMLError`` with the line of the first syntax error; nothing is returned then.
    public static func documents(_ text: String) throws(YAMLError) -> [YAMLDocument] {
        do {
            var result: [YAMLDocument] = []
            var stream = try Yams.compose_all(yaml: text, .basic)
            while let node = stream.next() {
                let value = try convert(node)
                if value.isNull { continue }
                result.append(YAMLDocument(value: value, line: node.mark?.line ?? 0))
            }
            if let error = stream.error { throw error }
            return result
        } catch let error as YAMLError {
            throw error
        } catch let error as YamlError {
            throw translate(error)
        } catch {
            throw YAMLError(line: 0, reason: "\(error)")
        }
    }

    /// Reads a stream that must hold exactly one document (an empty stream reads as `null`).
    public static func value(_ text: String) throws(YAMLError) -> JSONValue {
        let docs = try documents(text)
        guard docs.count <= 1 else {
            throw YAMLError(line: docs[1].line, reason: "expected one YAML document, found \(docs.count)")
        }
        return docs.first?.value ?? .null
    }

    private static func convert(_ node: Node) throws(YAMLError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return try convert(scalar)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            elements.reserveCapacity(sequence.count)
            for child in sequence { elements.append(try convert(child)) }
            return .array(elements)
        case .mapping(let mapping):
            var object = JSONObject()
            var merged: [JSONObject] = []
            for (key, value) in mapping {
                if case .scalar(let k) = key, k.string == "<<", k.style == .plain || k.style == .any {
                    merged.append(contentsOf: try mergeSources(value, line: k.mark?.line ?? 0))
                    continue
                }
                object[try keyString(key)] = try convert(value)
            }
            for source in merged {
                for (k, v) in source where object[k] == nil { object[k] = v }
            }
            return .object(object)
        case .alias:
            throw YAMLError(line: node.mark?.line ?? 0, reason: "unresolved alias")
        }
    }

    private static func mergeSources(_ node: Node, line: Int) throws(YAMLError) -> [JSONObject] {
        switch try convert(node) {
        case .object(let o): return [o]
        case .array(let items):
            var result: [JSONObject] = []
            for item in items {
                guard case .object(let o) = item else {
                    throw YAMLError(line: line, reason: "merge key '<<' needs a mapping or a list of mappings")
                }
                result.append(o)
            }
            return result
        default: throw YAMLError(line: line, reason: "merge key '<<' needs a mapping or a list of mappings")
        }
    }

    private static func keyString(_ node: Node) throws(YAMLError) -> String {
        guard case .scalar(let scalar) = node else {
            throw YAMLError(line: node.mark?.line ?? 0, reason: "mapping keys must be scalars")
        }
        return scalar.string
    }

    private static func convert(_ scalar: Node.Scalar) throws(YAMLError) -> JSONValue {
        let tag = scalar.tag.rawValue
        if tag == Tag.Name.implicit.rawValue || tag == Tag.Name.nonSpecific.rawValue {
            switch scalar.style {
            case .plain, .any: return YAMLScalar.resolve(plain: scalar.string)
            default: return .string(scalar.string)
            }
        }
        let value = YAMLScalar.resolve(plain: scalar.string)
        switch (tag, value) {
        case (Tag.Name.null.rawValue, _): return .null
        case (Tag.Name.bool.rawValue, .bool), (Tag.Name.int.rawValue, .int): return value
        case (Tag.Name.float.rawValue, .double), (Tag.Name.float.rawValue, .int): return .double(value.doubleValue!)
        case (Tag.Name.bool.rawValue, _), (Tag.Name.int.rawValue, _), (Tag.Name.float.rawValue, _):
            throw YAMLError(line: scalar.mark?.line ?? 0, reason: "'\(scalar.string)' is not a valid \(tag)")
        default:
            return .string(scalar.string)
        }
    }

    private static func translate(_ error: YamlError) -> YAMLError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return YAMLError(line: mark.line, reason: "\(prefix)\(problem)".trimmingSpaces())
        case .reader(let problem, _, _, _):
            return YAMLError(line: 0, reason: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return YAMLError(
                line: context.mark.line,
                reason: "duplicate mapping key\(duplicates.count > 1 ? "s" : "") \(duplicates.joined(separator: ", "))"
            )
        default:
            return YAMLError(line: 0, reason: "\(error)")
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
