import Foundation
import MoorCore
import Testing

@testable import Server

/// Prometheus' own Python parser (`prometheus_client`), run on a text exposition.
enum PrometheusParser {
    /// One parsed sample.
    struct Sample: Equatable {
        var family: String
        var type: String
        var name: String
        var labels: [String: String]
        var value: Double
    }

    static let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            for sample in family.samples:
                samples.append({"family": family.name, "type": family.type, "name": sample.name,
                                "labels": sample.labels, "value": sample.value})
        print(json.dumps(samples))
        """

    /// The samples of `text`; throws when the parser refuses it (its message included).
    static func samples(_ text: String) throws -> [Sample] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "moor-prom-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("metrics.txt")
        let output = directory.appendingPathComponent("out.json")
        let errors = directory.appendingPathComponent("err.txt")
        try Data(text.utf8).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ParserError(
                description:
                    "prometheus_client refused the exposition (install it with scripts/install-deps.sh): "
                    + (try String(contentsOf: errors, encoding: .utf8)))
        }
        let parsed = try JSONValue(parsing: try String(contentsOf: output, encoding: .utf8))
        return (parsed.arrayValue ?? []).map { sample in
            var labels: [String: String] = [:]
            for (key, value) in sample["labels"]?.objectValue ?? JSONObject() {
                labels[key] = value.stringValue
            }
            return Sample(
                family: sample["family"]?.stringValue ?? "", type: sample["type"]?.stringValue ?? "",
                name: sample["name"]?.stringValue ?? "", labels: labels,
                value: sample["value"]?.doubleValue ?? .nan)
        }
    }

    /// What the parser said when it refused.
    struct ParserError: Error, CustomStringConvertible {
        var description: String
    }
}

@Suite("Metrics text format")
struct MetricsTextTests {
    @Test("Counters, gauges and histograms as Prometheus writes them")
    func format() {
        var text = MetricsText()
        text.counter("moor_things", help: "Things.\nMore", [([("kind", "a")], 3)])
        text.gauge("moor_level", help: "A level \\ of things.", [([], 0.5), ([("x", "y")], -2)])
        text.histogram(
            "moor_seconds", help: "Time.", bounds: [0.1, 1], cumulativeCounts: [1, 2], count: 3, sum: 4.25
        )
        #expect(
            text.text == """
                # HELP moor_things_total Things.\\nMore
                # TYPE moor_things_total counter
                moor_things_total{kind="a"} 3
                # HELP moor_level A level \\\\ of things.
                # TYPE moor_level gauge
                moor_level 0.5
                moor_level{x="y"} -2
                # HELP moor_seconds Time.
                # TYPE moor_seconds histogram
                moor_seconds_bucket{le="0.1"} 1
                moor_seconds_bucket{le="1"} 2
                moor_seconds_bucket{le="+Inf"} 3
                moor_seconds_sum 4.25
                moor_seconds_count 3

                """)
    }

    @Test("Label values with quotes, backslashes and newlines survive Prometheus' parser")
    func escapingRoundTrip() throws {
        let awkward = "a \"quoted\" \\ path\nand a second line ✓"
        var text = MetricsText()
        text.gauge(
            "moor_app_sync_status", help: "Sync \"state\".",
            [([("name", awkward), ("sync_status", "Synced")], 1)])
        text.counter("moor_app_syncs", help: "Syncs.", [([("result", "Succeeded")], 12)])
        text.histogram("moor_h", help: "H.", bounds: [0.5], cumulativeCounts: [2], count: 2, sum: 0.75)
        let samples = try PrometheusParser.samples(text.text)
        #expect(
            samples.first
                == .init(
                    family: "moor_app_sync_status", type: "gauge", name: "moor_app_sync_status",
                    labels: ["name": awkward, "sync_status": "Synced"], value: 1))
        #expect(
            samples.contains { $0.family == "moor_app_syncs" && $0.type == "counter" && $0.value == 12 })
        #expect(
            samples.contains { $0.name == "moor_h_bucket" && $0.labels["le"] == "+Inf" && $0.value == 2 })
        #expect(samples.contains { $0.name == "moor_h_sum" && $0.value == 0.75 })
    }

    @Test(
        "Numbers: integers plain, special values spelled out",
        arguments: [
            (1.0, "1"), (0, "0"), (-3, "-3"), (0.25, "0.25"), (Double.infinity, "+Inf"),
            (-Double.infinity, "-Inf"),
            (Double.nan, "NaN"), (1e20, "1e+20"),
        ])
    func numbers(value: Double, expected: String) {
        #expect(MetricsText.number(value) == expected)
    }
}
