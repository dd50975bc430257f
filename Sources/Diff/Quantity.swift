internal import Foundation
internal import MoorCore

/// A Kubernetes resource quantity (`500m`, `1.5Gi`, `2e3`, `1`) reduced to its exact value, so that
/// spellings the API server canonicalises (`0.5` → `500m`, `1024Mi` → `1Gi`, `1` → `"1"`) compare equal.
struct Quantity: Equatable {
    /// The exact value.
    let value: Decimal

    private static let binarySuffixes: [String: Int] = ["Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6]
    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The quantity a JSON number or quantity string holds; `nil` for anything else.
    init?(_ json: JSONValue) {
        switch json {
        case .int(let i): value = Decimal(i)
        case .double(let d):
            guard d.isFinite, let decimal = Decimal(string: String(d), locale: Self.posix) else { return nil }
            value = decimal
        case .string(let text):
            guard let decimal = Self.parse(text) else { return nil }
            value = decimal
        default: return nil
        }
    }

    /// The value of a quantity string. The number is a sign, digits and at most one point; an `e` or `E`
    /// followed by an integer is a decimal exponent, any other text after the number must be a suffix.
    private static func parse(_ text: String) -> Decimal? {
        let bytes = Array(text.utf8)
        var end = 0
        if end < bytes.count, bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-") { end += 1 }
        var digits = 0
        var points = 0
        scan: while end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            default: break scan
            }
            end += 1
        }
        guard digits > 0, points <= 1,
            let number = Decimal(string: String(decoding: bytes[..<end], as: UTF8.self), locale: posix)
        else { return nil }
        let suffix = String(decoding: bytes[end...], as: UTF8.self)
        if let exponent = binarySuffixes[suffix] { return number * power(of: 1024, exponent) }
        if let exponent = decimalSuffixes[suffix] ?? Self.exponent(suffix) { return number * power(of: 10, exponent) }
        return nil
    }

    /// `base` raised to `exponent`, which may be negative.
    private static func power(of base: Decimal, _ exponent: Int) -> Decimal {
        let magnitude = pow(base, abs(exponent))
        return exponent < 0 ? 1 / magnitude : magnitude
    }

    /// The exponent of `e3`, `E-2`, `e+6`; `nil` otherwise.
    private static func exponent(_ suffix: String) -> Int? {
        guard suffix.count >= 2, suffix.first == "e" || suffix.first == "E" else { return nil }
        let rest = suffix.dropFirst()
        guard rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") }), let value = Int(rest),
            abs(value) <= 100
        else { return nil }
        return value
    }
}
