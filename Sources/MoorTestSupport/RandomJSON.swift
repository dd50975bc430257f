package import MoorCore

/// SplitMix64: a small deterministic generator, so property tests fail the same way every run.
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator starting from `seed`.
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random JSON trees whose strings favour the characters that break serializers and the words that
/// YAML reads specially.
package enum RandomJSON {
    /// The pieces strings are made of.
    package static let pieces: [String] = [
        "a", "Z", "0", "7", " ", "  ", "\"", "\\", "/", "\n", "\n\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}",
        "é", "ß", "€", "😀", "𝄞", "\u{2028}", "\u{85}", "\u{A0}", "\u{FEFF}", ":", ": ", "#", " #", "-", "- ", "?", "[",
        "]",
        "{", "}", ",", "&", "*", "!", "|", ">", "'", "%", "@", "`", "~", "yes", "No", "on", "null", "true",
        "0777", "0x1F", "0o17", "1_000", "1.0", "1e3", ".5", "-.inf", "---", "...", "<<", "2024-01-01", "1:30",
        "=", "+1", "012345678",
    ]

    /// A string of up to six pieces.
    package static func string(_ rng: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...6, using: &rng)
        return (0..<count).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    /// A tree at most five levels deep.
    package static func value(_ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        let maxKind = depth >= 4 ? 5 : 7
        switch Int.random(in: 0...maxKind, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            let magnitude = [9, 1_000, Int.max].randomElement(using: &rng)!
            return .int(Int.random(in: -magnitude...magnitude, using: &rng))
        case 3:
            let d = Double(bitPattern: rng.next())
            return .double(d.isFinite ? d : Double.random(in: -1e6...1e6, using: &rng))
        case 4, 5: return .string(string(&rng))
        case 6:
            let count = Int.random(in: 0...4, using: &rng)
            return .array((0..<count).map { _ in value(&rng, depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &rng) { object[string(&rng)] = value(&rng, depth: depth + 1) }
            return .object(object)
        }
    }

    /// Whether `a` and `b` list their object keys in the same order, all the way down.
    package static func sameKeyOrder(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            x.keys == y.keys && zip(x.values, y.values).allSatisfy { sameKeyOrder($0, $1) }
        case (.array(let x), .array(let y)):
            x.count == y.count && zip(x, y).allSatisfy { sameKeyOrder($0, $1) }
        default:
            true
        }
    }
}
