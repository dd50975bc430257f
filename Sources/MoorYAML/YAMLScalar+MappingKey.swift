internal import MoorCore

extension YAMLScalar {
    /// The JSON object key for a resolved YAML mapping key, as `sigs.k8s.io/yaml` converts it: strings as
    /// they are, booleans as `true`/`false`, integers in decimal (`0x1F: a` gives `"31"`), floats as Go's
    /// `FormatFloat(f, 'g', -1, 32)` (`1.0` gives `"1"`, `1e6` gives `"1e+06"`); `nil` for null and
    /// collections, which Kubernetes rejects as keys.
    static func mappingKey(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): goFloat32(d)
        case .null, .array, .object: nil
        }
    }

    /// Go's `strconv.FormatFloat(d, 'g', -1, 32)` with go-yaml's spellings of infinities and NaN.
    static func goFloat32(_ d: Double) -> String {
        let f = Float(d)
        if f.isNaN { return ".nan" }
        if f.isInfinite { return f < 0 ? "-.inf" : ".inf" }
        let sign = f.sign == .minus ? "-" : ""
        if f == 0 { return sign + "0" }
        // Shortest round-trip digits of the Float, e.g. "1.5e+20", "0.001", "123.0".
        let text = f.magnitude.description
        let parts = text.split(separator: "e")
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        var digits: [UInt8] = []
        var pointPosition: Int?
        for c in parts[0].utf8 {
            if c == UInt8(ascii: ".") { pointPosition = digits.count } else { digits.append(c) }
        }
        // value = 0.DIGITS × 10^decimalPoint
        var decimalPoint = (pointPosition ?? digits.count) + exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let mantissa = String(decoding: digits, as: UTF8.self)
        let exp = decimalPoint - 1
        if exp < -4 || exp >= 6 {
            let fraction = digits.count > 1 ? "." + mantissa.dropFirst() : ""
            let magnitude = abs(exp) < 10 ? "0\(abs(exp))" : "\(abs(exp))"
            return "\(sign)\(mantissa.prefix(1))\(fraction)e\(exp < 0 ? "-" : "+")\(magnitude)"
        }
        if decimalPoint <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalPoint) + mantissa
        }
        if decimalPoint >= digits.count {
            return sign + mantissa + String(repeating: "0", count: decimalPoint - digits.count)
        }
        return sign + mantissa.prefix(decimalPoint) + "." + mantissa.dropFirst(decimalPoint)
    }
}
