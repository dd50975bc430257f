internal import MoorCore

/// An RFC 6901 JSON pointer such as `/spec/replicas` or `/metadata/annotations/example.com~1note`
/// (`~1` stands for `/` and `~0` for `~`).
///
/// A token names an object member, or an array element when it is a decimal index (`/spec/ports/0`).
/// The root pointer `""` is refused: ignoring a whole object is done by leaving it out of the application.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens.
    public let tokens: [String]

    /// Parses `text`; throws ``DiffError/Code-swift.struct/invalidJSONPointer`` when it does not start with
    /// `/` or holds a `~` not followed by `0` or `1`.
    public init(_ text: String) throws(DiffError) {
        guard text.hasPrefix("/") else {
            throw DiffError(
                .invalidJSONPointer,
                "JSON pointer \(DiffError.quote(text)) must start with \"/\", e.g. \"/spec/replicas\"")
        }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escaped = false
            for character in raw {
                if escaped {
                    guard character == "0" || character == "1" else {
                        throw DiffError(
                            .invalidJSONPointer,
                            "JSON pointer \(DiffError.quote(text)) has \"~\(character)\"; write \"~0\" for \"~\" "
                                + "and \"~1\" for \"/\"")
                    }
                    token.append(character == "0" ? "~" : "/")
                    escaped = false
                } else if character == "~" {
                    escaped = true
                } else {
                    token.append(character)
                }
            }
            guard !escaped else {
                throw DiffError(
                    .invalidJSONPointer, "JSON pointer \(DiffError.quote(text)) ends in \"~\"; write \"~0\" for \"~\"")
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The pointer in RFC 6901 notation.
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences("~", with: "~0").replacingOccurrences("/", with: "~1") }.joined()
    }

    /// The path the pointer names in `document`; `nil` when it names nothing there.
    func path(in document: JSONValue) -> [FieldPath.Component]? {
        var path: [FieldPath.Component] = []
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                path.append(.key(token))
                current = next
            case .array(let elements):
                guard token == "0" || !token.hasPrefix("0"), token.allSatisfy({ ("0"..."9").contains($0) }),
                    let index = Int(token),
                    elements.indices.contains(index)
                else { return nil }
                path.append(.index(index))
                current = elements[index]
            default:
                return nil
            }
        }
        return path
    }
}

extension String {
    /// The string with every `target` replaced by `replacement` (without Foundation).
    fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
