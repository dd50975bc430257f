/// A Prometheus text exposition (format 0.0.4) written family by family: each metric gets its
/// `# HELP` and `# TYPE` lines, then its samples. Label values and help texts are escaped as the
/// format requires (`\\`, `\"`, `\n`). Metric and label names are the caller's constants.
struct MetricsText {
    /// One sample of a family: its labels, in the order written, and its value.
    typealias Sample = (labels: [(String, String)], value: Double)

    /// The media type of the format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition so far.
    private(set) var text = ""

    /// Writes a counter family: `samples` are label sets with their values (name without `_total`;
    /// it is added).
    mutating func counter(_ name: String, help: String, _ samples: [Sample]) {
        header(name + "_total", help: help, type: "counter")
        for sample in samples { line(name + "_total", sample.labels, sample.value) }
    }

    /// Writes a gauge family.
    mutating func gauge(_ name: String, help: String, _ samples: [Sample]) {
        header(name, help: help, type: "gauge")
        for sample in samples { line(name, sample.labels, sample.value) }
    }

    /// Writes a counter family of one unlabelled sample.
    mutating func counter(_ name: String, help: String, value: Double) { counter(name, help: help, [([], value)]) }

    /// Writes a gauge family of one unlabelled sample.
    mutating func gauge(_ name: String, help: String, value: Double) { gauge(name, help: help, [([], value)]) }

    /// Writes a histogram family with one series: cumulative `_bucket` lines (the last `le="+Inf"`),
    /// `_sum` and `_count`.
    mutating func histogram(
        _ name: String, help: String, bounds: [Double], cumulativeCounts: [Int], count: Int, sum: Double
    ) {
        header(name, help: help, type: "histogram")
        for (bound, cumulative) in zip(bounds, cumulativeCounts) {
            line(name + "_bucket", [("le", Self.number(bound))], Double(cumulative))
        }
        line(name + "_bucket", [("le", "+Inf")], Double(count))
        line(name + "_sum", [], sum)
        line(name + "_count", [], Double(count))
    }

    private mutating func header(_ name: String, help: String, type: String) {
        text += "# HELP \(name) \(Self.escaped(help, quotes: false))\n# TYPE \(name) \(type)\n"
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escaped($0.1, quotes: true))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.number(value))\n"
    }

    /// `text` with `\` and newlines escaped, and `"` too in label values.
    static func escaped(_ text: String, quotes: Bool) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"" where quotes: escaped += "\\\""
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A sample value as Prometheus writes it: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
