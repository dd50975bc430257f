internal import CYaml
internal import MoorCore

/// Builds ``JSONValue`` trees straight from libyaml's event stream (the C parser that Yams vendors), in
/// one pass: no intermediate node tree, no tag objects, scalars resolved from their bytes.
///
/// Kubernetes semantics (go-yaml v2 via `sigs.k8s.io/yaml`): plain scalars resolve per ``YAMLScalar``,
/// keys convert per ``YAMLScalar/mappingKey(_:)``, anchors are per document, `<<` merges mappings
/// (explicit keys win, earlier merge sources win over later ones), duplicate keys and excessive aliasing
/// ("billion laughs") are errors.
///
/// A non-copyable struct rather than a class: it owns the C parser, and its state is then checked for
/// exclusive access at compile time instead of on every access at run time.
struct YAMLComposer: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private let input: UnsafeBufferPointer<UInt8>
    private let initialized: Bool

    private var anchors: [String: (value: JSONValue, nodes: Int)] = [:]
    private var stack: [Frame] = []
    /// Nodes decoded in this document, counting every alias expansion in full.
    private var decodedNodes = 0
    /// Of those, the nodes decoded through aliases.
    private var aliasedNodes = 0

    /// A collection under construction.
    private struct Frame {
        var isMapping: Bool
        var elements: [JSONValue] = []
        var object = JSONObject()
        /// For mappings: the key read and waiting for its value.
        var pendingKey: PendingKey?
        /// For mappings: keys that came from `<<` and may still be overridden by an explicit key.
        var mergedKeys: Set<String> = []
        var anchor: String?
        /// Nodes in this subtree so far, aliases expanded.
        var nodes = 1
    }

    private enum PendingKey {
        case key(String, line: Int)
        case merge(line: Int)
    }

    /// A parser over `input`, which must stay valid while the composer is used.
    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        parser = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        event.initialize(to: yaml_event_t())
        initialized = yaml_parser_initialize(parser) == 1
        if initialized {
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, input.baseAddress, input.count)
        }
    }

    deinit {
        yaml_event_delete(event)
        if initialized { yaml_parser_delete(parser) }
        event.deallocate()
        parser.deallocate()
    }

    /// Every document of the stream; documents that are null (empty, comments only, `~`) are left out.
    mutating func documents() throws(YAMLError) -> [YAMLDocument] {
        guard initialized else { throw YAMLError(line: 0, reason: "out of memory") }
        guard input.count > 0 else { return [] }
        var documents: [YAMLDocument] = []
        while true {
            switch try advance() {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                anchors.removeAll(keepingCapacity: true)
                decodedNodes = 0
                aliasedNodes = 0
                _ = try advance()
                let line = Int(event.pointee.start_mark.line) + 1
                let value = try readNode()
                if !value.isNull { documents.append(YAMLDocument(value: value, line: line)) }
            default:
                continue  // stream start, document end
            }
        }
    }

    // MARK: - Events

    private func advance() throws(YAMLError) -> yaml_event_type_t {
        yaml_event_delete(event)
        guard yaml_parser_parse(parser, event) == 1 else { throw parserError() }
        return event.pointee.type
    }

    /// Reads the node whose first event is the current one, leaving its last event current.
    private mutating func readNode() throws(YAMLError) -> JSONValue {
        while true {
            let e = event.pointee
            let line = Int(e.start_mark.line) + 1
            let value: JSONValue
            var nodes = 1
            switch e.type {
            case YAML_SCALAR_EVENT:
                decodedNodes += 1
                let scalar = e.data.scalar
                if stack.last?.isMapping == true, stack[stack.count - 1].pendingKey == nil {
                    try readKey(scalar, line: line)
                    _ = try advance()
                    continue
                }
                value = try Self.value(of: scalar, line: line)
                if let anchor = scalar.anchor { anchors[String(cString: anchor)] = (value, 1) }
            case YAML_ALIAS_EVENT:
                let name = String(cString: e.data.alias.anchor)
                guard let target = anchors[name] else {
                    throw YAMLError(line: line, reason: "unknown alias *\(Self.clip(name))")
                }
                decodedNodes += 1 + target.nodes
                aliasedNodes += target.nodes
                if aliasedNodes > 100, decodedNodes > 1000,
                    Double(aliasedNodes) / Double(decodedNodes) > Self.allowedAliasRatio(decodedNodes)
                {
                    throw YAMLError(line: line, reason: "document contains excessive aliasing")
                }
                value = target.value
                nodes = 1 + target.nodes
                if stack.last?.isMapping == true, stack[stack.count - 1].pendingKey == nil {
                    try setKey(value, line: line, nodes: nodes)
                    _ = try advance()
                    continue
                }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                decodedNodes += 1
                if stack.last?.isMapping == true, stack[stack.count - 1].pendingKey == nil {
                    throw YAMLError(line: line, reason: "mapping keys must be scalars, not sequences or mappings")
                }
                guard stack.count < JSONValue.maxDepth else {
                    throw YAMLError(line: line, reason: "nesting deeper than \(JSONValue.maxDepth) levels")
                }
                let isMapping = e.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? e.data.mapping_start.anchor : e.data.sequence_start.anchor
                stack.append(Frame(isMapping: isMapping, anchor: anchor.map { String(cString: $0) }))
                _ = try advance()
                continue
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                value = frame.isMapping ? .object(frame.object) : .array(frame.elements)
                nodes = frame.nodes
                if let anchor = frame.anchor { anchors[anchor] = (value, nodes) }
            default:
                throw YAMLError(line: line, reason: "unexpected YAML event")
            }
            if stack.isEmpty { return value }
            try add(value, nodes: nodes, line: line)
            _ = try advance()
        }
    }

    /// Adds a finished node to the innermost collection.
    private mutating func add(_ value: JSONValue, nodes: Int, line: Int) throws(YAMLError) {
        let top = stack.count - 1
        stack[top].nodes += nodes
        guard stack[top].isMapping else {
            stack[top].elements.append(value)
            return
        }
        switch stack[top].pendingKey {
        case .key(let key, let keyLine):
            stack[top].pendingKey = nil
            if stack[top].object.updateValue(value, forKey: key) != nil, stack[top].mergedKeys.remove(key) == nil {
                throw YAMLError(line: keyLine, reason: "duplicate mapping key \"\(Self.clip(key))\"")
            }
        case .merge(let mergeLine):
            stack[top].pendingKey = nil
            try merge(value, line: mergeLine)
        case nil:
            preconditionFailure("values reach a mapping only after their key")
        }
    }

    private mutating func readKey(_ scalar: CScalar, line: Int) throws(YAMLError) {
        let bytes = UnsafeBufferPointer(start: scalar.value, count: scalar.length)
        let tag = ScalarTag(scalar.tag)
        if bytes.count == 2, bytes[0] == UInt8(ascii: "<"), bytes[1] == UInt8(ascii: "<"),
            tag == .merge || (tag == .none && scalar.style == YAML_PLAIN_SCALAR_STYLE)
        {
            stack[stack.count - 1].pendingKey = .merge(line: line)
            stack[stack.count - 1].nodes += 1
            return
        }
        let value = try Self.value(of: scalar, line: line)
        if let anchor = scalar.anchor { anchors[String(cString: anchor)] = (value, 1) }
        try setKey(value, line: line, nodes: 1)
    }

    private mutating func setKey(_ value: JSONValue, line: Int, nodes: Int) throws(YAMLError) {
        guard let key = YAMLScalar.mappingKey(value) else {
            let kind = value.isNull ? "null" : "a collection"
            throw YAMLError(line: line, reason: "mapping key is \(kind); keys must be strings, numbers or booleans")
        }
        stack[stack.count - 1].pendingKey = .key(key, line: line)
        stack[stack.count - 1].nodes += nodes
    }

    /// `<<: {…}` or `<<: [*a, *b]`: copies members not already present; earlier sources win.
    private mutating func merge(_ value: JSONValue, line: Int) throws(YAMLError) {
        let sources: [JSONValue]
        switch value {
        case .object: sources = [value]
        case .array(let items): sources = items
        default: throw YAMLError(line: line, reason: "merge key '<<' needs a mapping or a list of mappings")
        }
        let top = stack.count - 1
        for source in sources {
            guard case .object(let members) = source else {
                throw YAMLError(line: line, reason: "merge key '<<' needs a mapping or a list of mappings")
            }
            for (key, member) in members where stack[top].object[key] == nil {
                stack[top].object[key] = member
                stack[top].mergedKeys.insert(key)
            }
        }
    }

    // MARK: - Scalars

    private typealias CScalar = yaml_event_t.__Unnamed_union_data.__Unnamed_struct_scalar

    /// The explicit tag of a scalar, as far as resolution cares.
    private enum ScalarTag: Equatable {
        case none, nonSpecific, str, null, bool, int, float, merge, other

        init(_ tag: UnsafeMutablePointer<UInt8>?) {
            guard let tag else {
                self = .none
                return
            }
            switch String(cString: tag) {
            case "!": self = .nonSpecific
            case "tag:yaml.org,2002:str": self = .str
            case "tag:yaml.org,2002:null": self = .null
            case "tag:yaml.org,2002:bool": self = .bool
            case "tag:yaml.org,2002:int": self = .int
            case "tag:yaml.org,2002:float": self = .float
            case "tag:yaml.org,2002:merge": self = .merge
            default: self = .other
            }
        }
    }

    /// Plain untagged scalars resolve; quoted and block scalars, `!`, `!!str` and unknown tags are strings;
    /// `!!null`, `!!bool`, `!!int`, `!!float` must resolve to their type (`!!float 1` is 1.0).
    private static func value(of scalar: CScalar, line: Int) throws(YAMLError) -> JSONValue {
        let bytes = UnsafeBufferPointer(start: scalar.value, count: scalar.length)
        let tag = ScalarTag(scalar.tag)
        switch tag {
        case .none:
            guard scalar.style == YAML_PLAIN_SCALAR_STYLE else { return .string(YAMLScalar.string(bytes)) }
            return YAMLScalar.resolve(plain: bytes)
        case .nonSpecific, .str, .merge, .other:
            return .string(YAMLScalar.string(bytes))
        case .null, .bool, .int, .float:
            let value = YAMLScalar.resolve(plain: bytes)
            switch (tag, value) {
            case (.null, .null), (.bool, .bool), (.int, .int), (.float, .double): return value
            case (.float, .int(let i)): return .double(Double(i))
            default:
                throw YAMLError(line: line, reason: "value does not match its tag !!\(tag)")
            }
        }
    }

    // MARK: - Errors and limits

    /// go-yaml v2's limit on alias expansion: the share of aliased nodes allowed shrinks from 99% to 10%
    /// as a document grows from 400,000 to 4,000,000 decoded nodes.
    private static func allowedAliasRatio(_ decoded: Int) -> Double {
        if decoded <= 400_000 { return 0.99 }
        if decoded >= 4_000_000 { return 0.10 }
        return 0.99 - 0.89 * Double(decoded - 400_000) / 3_600_000
    }

    /// Keeps user text in error messages short.
    private static func clip(_ text: String) -> String {
        text.count <= 64 ? text : text.prefix(61) + "..."
    }

    /// The parser's error with the line a person should look at: where the token started for scanner
    /// errors (an unclosed quote, a key without `:`), where the problem was found otherwise.
    private func parserError() -> YAMLError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        switch p.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(line: 0, reason: "out of memory")
        case YAML_READER_ERROR:
            let end = min(p.problem_offset, input.count)
            let line = 1 + input[..<end].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            return YAMLError(line: line, reason: "invalid input: \(problem)")
        default:
            let problemLine = Int(p.problem_mark.line) + 1
            guard let context = p.context.map({ String(cString: $0) }) else {
                return YAMLError(line: problemLine, reason: problem)
            }
            let contextLine = Int(p.context_mark.line) + 1
            let line = p.error == YAML_SCANNER_ERROR ? contextLine : problemLine
            let at = contextLine == line ? "" : " (line \(contextLine))"
            return YAMLError(line: line, reason: "\(context)\(at): \(problem)")
        }
    }
}
