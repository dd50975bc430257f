import Foundation
import Health
import MoorCore
import MoorYAML
import Testing

/// The health vectors shared with Argo CD's engine, read from `../shared/conformance/health` beside the
/// repository (never copied into it).
enum HealthConformance {
    /// One entry of `vectors.json`.
    struct Vector: Sendable, CustomTestStringConvertible {
        let file: String
        let apiVersion: String
        let kind: String
        let expected: String

        var testDescription: String { "\(file) → \(expected)" }
    }

    /// `../shared/conformance/health`, found from this file: `Tests/HealthTests/` is two levels below the root.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("../shared/conformance/health")
        .standardizedFileURL

    /// Whether the folder is there; the tests record a skip when it is not.
    static let isPresent = FileManager.default.fileExists(atPath: folder.appendingPathComponent("vectors.json").path)

    /// Why the tests were skipped.
    static let skipComment: Comment = "conformance vectors not found at ../shared/conformance/health"

    /// Reads `vectors.json`.
    static func loadVectors() throws -> [Vector] {
        let list = try JSONValue(parsing: Data(contentsOf: folder.appendingPathComponent("vectors.json")))
        return try #require(list.arrayValue).map { entry in
            Vector(
                file: try #require(entry["file"]?.stringValue),
                apiVersion: try #require(entry["apiVersion"]?.stringValue),
                kind: try #require(entry["kind"]?.stringValue),
                expected: try #require(entry["expected"]?.stringValue)
            )
        }
    }

    /// Reads a fixture. gitops-engine reads these through `sigs.k8s.io/yaml`, whose go-yaml v2 accepts a
    /// repeated mapping key; MoorYAML refuses one, as `kubectl`'s strict validation does. A fixture that
    /// repeats a key (`statefulset-ondelete.yaml` repeats `updateStrategy` with the same value) is read
    /// again without the repeated key's block: its line and the deeper-indented lines under it.
    static func readFixture(_ text: String) throws -> JSONValue {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while true {
            let error: YAMLError
            do {
                return try YAMLReader.value(lines.joined(separator: "\n"))
            } catch let caught {
                error = caught
            }
            guard error.reason.hasPrefix("duplicate mapping key"), lines.indices.contains(error.line - 1) else {
                throw error
            }
            lines.removeSubrange(block(at: error.line - 1, in: lines))
        }
    }

    /// The line at `start` and the lines under it: deeper indented, or same-indented sequence items.
    private static func block(at start: Int, in lines: [Substring]) -> Range<Int> {
        let indent = indentation(of: lines[start])
        let end = lines[(start + 1)...].firstIndex { line in
            let trimmed = line.drop { $0 == " " }
            let depth = indentation(of: line)
            return !trimmed.isEmpty && (depth < indent || depth == indent && !trimmed.hasPrefix("- "))
        }
        return start..<(end ?? lines.endIndex)
    }

    private static func indentation(of line: Substring) -> Int {
        line.prefix { $0 == " " }.count
    }

    /// The vectors, or none when the folder is missing or unreadable (``HealthConformanceTests`` then fails
    /// its coverage test, or is skipped).
    static let vectors = isPresent ? (try? loadVectors()) ?? [] : []
}

@Suite(
    "Health conformance: same status as Argo CD's engine",
    .enabled(if: HealthConformance.isPresent, HealthConformance.skipComment)
)
struct HealthConformanceTests {
    @Test("the vectors are readable and cover every fixture")
    func vectorsCoverFixtures() throws {
        let vectors = try HealthConformance.loadVectors()
        let fixtures = try FileManager.default.contentsOfDirectory(
            atPath: HealthConformance.folder.appendingPathComponent("fixtures").path)
        #expect(!vectors.isEmpty)
        #expect(Set(vectors.map(\.file)) == Set(fixtures.filter { $0.hasSuffix(".yaml") }.map { "fixtures/\($0)" }))
        #expect(HealthConformance.vectors.count == vectors.count)
    }

    @Test("the live object gets the expected status", arguments: HealthConformance.vectors)
    func vector(_ vector: HealthConformance.Vector) throws {
        let text = try String(
            contentsOf: HealthConformance.folder.appendingPathComponent(vector.file), encoding: .utf8)
        let object = try HealthConformance.readFixture(text)
        #expect(object["apiVersion"]?.stringValue == vector.apiVersion)
        #expect(object["kind"]?.stringValue == vector.kind)
        let expected = try #require(HealthStatus(rawValue: vector.expected))
        let health = ObjectHealth.assess(object)
        #expect(health?.status == expected, "message: \(health?.message ?? "no health")")
    }
}
