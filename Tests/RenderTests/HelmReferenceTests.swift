import Foundation
import MoorCore
import MoorTestSupport
import Render
import Testing

/// Charts written the way public charts are, rendered by Moor and by the Helm SDK's own install
/// action (a client-side dry run, `Charts/helm_reference.py`), compared object by object.
///
/// Helm's release manifest leaves out hooks and `crds/` (Helm handles them apart), so those are
/// compared separately; Moor applies a `List`'s items, so the reference's Lists are flattened.
@Suite("Helm charts as the Helm SDK renders them")
struct HelmReferenceTests {
    /// The fixture charts, one directory each under `Charts/`.
    static let charts = ["webapp", "migrations", "platform", "operator", "capabilities", "layout"]

    static let fixtures = FixtureCharts.directory

    /// A checkout holding `chart` under `charts/`; the operator chart also gets its large CRD (350 KB).
    static func checkout(_ chart: String) throws -> TestTree {
        let tree = try TestTree()
        let destination = "\(tree.root)/charts/\(chart)"
        try FileManager.default.createDirectory(atPath: "\(tree.root)/charts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent(chart).path, toPath: destination)
        if chart == "operator" { try tree.write("charts/operator/files/certificates-crd.yaml", largeCRD) }
        return tree
    }

    /// A CustomResourceDefinition whose schema has 1,900 documented fields.
    static var largeCRD: String {
        var text = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: certificates.operator.example.com
            spec:
              group: operator.example.com
              names: {kind: Certificate, plural: certificates}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:

            """
        for index in 0..<1900 {
            text += "              field\(index):\n                type: string\n"
            text += "                description: Field number \(index) of the certificate specification, kept for "
            text += "compatibility with older releases of the operator and its clients.\n"
        }
        return text
    }

    /// The Helm SDK's rendering: each object with its template's file name.
    static func reference(chart directory: String, namespace: String) throws -> [(file: String, object: JSONValue)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", fixtures.appendingPathComponent("helm_reference.py").path, directory, "rel", namespace, "{}",
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "helm_reference.py failed: \(message)")
        var entries: [(String, JSONValue)] = []
        for entry in try JSONValue(parsing: String(decoding: data, as: UTF8.self)).arrayValue ?? [] {
            let file = String((entry["source"]?.stringValue ?? "").split(separator: "/").last ?? "")
            let object = entry["object"] ?? .null
            if object["kind"]?.stringValue == "List" {
                for item in object["items"]?.arrayValue ?? [] { entries.append((file, item)) }
            } else {
                entries.append((file, object))
            }
        }
        return entries
    }

    static func key(file: String, object: JSONValue) -> String {
        let kind = object["kind"]?.stringValue ?? ""
        return "\(file) \(kind)/\(object[path: "metadata", "name"]?.stringValue ?? "")"
    }

    static func isHook(_ object: JSONValue) -> Bool {
        object[path: "metadata", "annotations", "helm.sh/hook"] != nil
    }

    @Test("the same objects as the Helm SDK, object by object", arguments: charts)
    func sameObjects(_ chart: String) async throws {
        let tree = try Self.checkout(chart)
        defer { tree.remove() }
        let rendered = try await tree.render(
            RenderOptions(
                path: "charts/\(chart)", source: .helm(HelmOptions(releaseName: "rel")),
                environment: RenderEnvironment(namespace: "team-a")))
        let moor = rendered.filter { !Self.isHook($0.object) && !$0.source.file.contains("/crds/") }.map {
            (file: String($0.source.file.split(separator: "/").last ?? ""), object: $0.object)
        }
        let helm = try Self.reference(chart: "\(tree.root)/charts/\(chart)", namespace: "team-a")
        #expect(!helm.isEmpty)
        let moorByKey = Dictionary(moor.map { (Self.key(file: $0.file, object: $0.object), $0.object) }) { a, _ in a }
        let helmByKey = Dictionary(helm.map { (Self.key(file: $0.file, object: $0.object), $0.object) }) { a, _ in a }
        #expect(moor.count == helm.count)
        #expect(moorByKey.keys.sorted() == helmByKey.keys.sorted())
        for (key, object) in helmByKey {
            #expect(moorByKey[key] == object, "\(chart): \(key) differs from the Helm SDK's")
        }
        // Every object of the release namespace's kinds landed in it, as `helm install -n team-a` puts them.
        for object in moor.map(\.object) where object[path: "metadata", "namespace"] != nil {
            #expect(object[path: "metadata", "namespace"] == "team-a")
        }
    }

    @Test("hooks render as objects for the sync to run; test hooks are among them with their random names")
    func hooks() async throws {
        let tree = try Self.checkout("migrations")
        defer { tree.remove() }
        let objects = try await tree.render(
            RenderOptions(path: "charts/migrations", source: .helm(HelmOptions(releaseName: "rel"))))
        let hooks = objects.filter { Self.isHook($0.object) }
        #expect(
            hooks.map { $0.object[path: "metadata", "annotations", "helm.sh/hook"]?.stringValue } == [
                "post-install,post-upgrade", "pre-install,pre-upgrade", "test",
            ])
        #expect(hooks[0].object[path: "metadata", "generateName"] == "rel-notify-")
        #expect(hooks[2].object[path: "metadata", "name"]?.stringValue?.hasPrefix("rel-test-") == true)
    }

    @Test("the large CRD of a templates/ file renders whole, and the crds/ one comes first")
    func largeCRD() async throws {
        let tree = try Self.checkout("operator")
        defer { tree.remove() }
        let objects = try await tree.render(
            RenderOptions(path: "charts/operator", source: .helm(HelmOptions(releaseName: "rel"))))
        #expect(objects.names.first == "CustomResourceDefinition/issuers.operator.example.com")
        let large = objects.first { $0.object[path: "metadata", "name"] == "certificates.operator.example.com" }
        let fields = large?.object[path: "spec", "versions"]?[0]?[
            path: "schema", "openAPIV3Schema", "properties", "spec", "properties"]
        #expect(fields?.objectValue?.count == 1900)
    }
}
