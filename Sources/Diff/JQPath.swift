internal import MoorCore

/// A JQ path expression naming fields to ignore, in the subset of JQ that selects paths:
///
/// - paths: `.`, `.spec.replicas`, `."x/y"`, `.["x/y"]`, `.a["x/y"]`, `.a[0]`, `.a[-1]`, `.a[]` (every
///   element or member);
/// - pipes: `.spec.template.spec.containers[] | .image`;
/// - `select(condition)`, where a condition compares relative paths and literals (strings, numbers,
///   `true`, `false`, `null`) with `==` or `!=`, tests a path for truthiness, and combines with `and`,
///   `or` and parentheses: `.spec.containers[] | select(.name == "web" and .image != null) | .image`.
///
/// Anything else (functions other than `select`, `..`, slices, `?`, arithmetic) is refused when the
/// expression is parsed, with the column where the unsupported syntax starts.
public struct JQPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    enum Step: Sendable, Hashable {
        /// An object member.
        case key(String)
        /// An array element; negative indices count from the end.
        case index(Int)
        /// Every element of an array or member of an object (`[]`).
        case iterate
    }

    /// A value inside a `select` condition.
    enum Operand: Sendable, Hashable {
        /// A path relative to the value being tested (without `[]`).
        case path([Step])
        /// A constant.
        case literal(JSONValue)
    }

    /// The test of `select(…)`.
    indirect enum Condition: Sendable, Hashable {
        /// `a == b` (`equal` true) or `a != b`.
        case compare(Operand, equal: Bool, Operand)
        /// True unless the operand is `null`, `false` or absent.
        case truthy(Operand)
        /// Both hold.
        case and(Condition, Condition)
        /// Either holds.
        case or(Condition, Condition)
    }

    /// One stage of a pipe.
    enum Stage: Sendable, Hashable {
        /// Follows a path from each input.
        case path([Step])
        /// Keeps the inputs for which the condition holds.
        case select(Condition)
    }

    /// The expression as written.
    public let expression: String
    /// The parsed pipe.
    let stages: [Stage]

    /// Parses `expression`; throws ``DiffError/Code-swift.struct/invalidJQPath`` naming the column of the
    /// first unsupported or malformed syntax.
    public init(_ expression: String) throws(DiffError) {
        var parser = JQParser(expression)
        stages = try parser.parseExpression()
        self.expression = expression
    }

    /// The expression as written.
    public var description: String { expression }

    /// The paths the expression selects in `document`, as `.key` and `.index` steps; paths through
    /// members that do not exist are not produced.
    func paths(in document: JSONValue) -> [[FieldPath.Component]] {
        var current: [(path: [FieldPath.Component], value: JSONValue)] = [([], document)]
        for stage in stages {
            switch stage {
            case .path(let steps):
                current = current.flatMap { Self.follow(steps, from: $0) }
            case .select(let condition):
                current = current.filter { condition.holds(for: $0.value) }
            }
        }
        return current.map(\.path)
    }

    private static func follow(
        _ steps: [Step], from start: (path: [FieldPath.Component], value: JSONValue)
    ) -> [(path: [FieldPath.Component], value: JSONValue)] {
        var current = [start]
        for step in steps {
            current = current.flatMap { path, value -> [(path: [FieldPath.Component], value: JSONValue)] in
                switch (step, value) {
                case (.key(let key), .object(let members)):
                    return members[key].map { [(path + [.key(key)], $0)] } ?? []
                case (.index(let index), .array(let elements)):
                    let position = index < 0 ? elements.count + index : index
                    return elements.indices.contains(position) ? [(path + [.index(position)], elements[position])] : []
                case (.iterate, .array(let elements)):
                    return elements.enumerated().map { (path + [.index($0.offset)], $0.element) }
                case (.iterate, .object(let members)):
                    return members.map { (path + [.key($0.key)], $0.value) }
                default:
                    return []
                }
            }
        }
        return current
    }
}

extension JQPath.Operand {
    /// The operand's value for `input`; `null` for a path that does not exist.
    func value(for input: JSONValue) -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .path(let steps):
            var current = input
            for step in steps {
                switch (step, current) {
                case (.key(let key), .object(let members)):
                    current = members[key] ?? .null
                case (.index(let index), .array(let elements)):
                    let position = index < 0 ? elements.count + index : index
                    current = elements.indices.contains(position) ? elements[position] : .null
                default:
                    return .null
                }
            }
            return current
        }
    }
}

extension JQPath.Condition {
    /// Whether the condition holds for `input`.
    func holds(for input: JSONValue) -> Bool {
        switch self {
        case .compare(let lhs, let equal, let rhs): (lhs.value(for: input) == rhs.value(for: input)) == equal
        case .truthy(let operand): ![.null, .bool(false)].contains(operand.value(for: input))
        case .and(let lhs, let rhs): lhs.holds(for: input) && rhs.holds(for: input)
        case .or(let lhs, let rhs): lhs.holds(for: input) || rhs.holds(for: input)
        }
    }
}
