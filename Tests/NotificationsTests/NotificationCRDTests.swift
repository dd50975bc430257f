import Foundation
import MoorCore
import MoorYAML
import Notifications
import Testing

@Suite("The Provider and Alert CRDs")
struct NotificationCRDTests {
    /// A Provider setting every field.
    static let provider = """
        apiVersion: moor.dev/v1alpha1
        kind: Provider
        metadata: {name: chat, namespace: moor}
        spec:
          type: slack
          address: https://hooks.slack.com/services/T/B/X
          channel: deploys
          username: moor
          secretRef: {name: chat-url}
          suspend: true
        """

    /// An Alert setting every field.
    static let alert = """
        apiVersion: moor.dev/v1alpha1
        kind: Alert
        metadata: {name: failures, namespace: moor}
        spec:
          providerRef: {name: chat}
          eventSeverity: error
          eventSources: [{kind: Application, name: "shop-*", namespace: apps, matchLabels: {team: web}}]
          events: [SyncFailed]
          inclusionList: ["image"]
          exclusionList: ["dry run"]
          suspend: true
        """

    /// The properties of the CRD's `spec` schema.
    static func specProperties(_ crd: JSONValue) -> JSONObject? {
        crd[path: "spec", "versions"]?[0]?[path: "schema", "openAPIV3Schema", "properties", "spec", "properties"]?
            .objectValue
    }

    @Test(
        "the published CRDs are the ones Moor installs",
        arguments: [
            ("providers.moor.dev", NotificationProvider.customResourceDefinition),
            ("alerts.moor.dev", NotificationAlert.customResourceDefinition),
        ])
    func published(name: String, crd: JSONValue) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("deploy/crds/\(name).yaml"), encoding: .utf8)
        #expect(crd[path: "metadata", "name"] == .string(name))
        #expect(text == YAMLWriter.document(crd))
    }

    @Test(
        "the schema holds exactly the fields the code reads: each one, left out, changes what is read",
        arguments: [
            (provider, NotificationProvider.customResourceDefinition),
            (alert, NotificationAlert.customResourceDefinition),
        ])
    func schemaMatchesCode(example: String, crd: JSONValue) throws {
        let full = try manifest(example)
        let fields = try #require(full["spec"]?.objectValue).keys
        #expect(Set(fields) == Set(try #require(Self.specProperties(crd)).keys))
        let read = try Self.read(full)
        for field in fields {
            var without = full
            var spec = try #require(full["spec"]?.objectValue)
            spec[field] = nil
            without["spec"] = .object(spec)
            #expect((try? Self.read(without)) != read, "spec.\(field) is read")
        }
    }

    /// What the code reads of a Provider or Alert manifest.
    static func read(_ manifest: JSONValue) throws -> String {
        manifest["kind"] == "Provider"
            ? "\(try NotificationProvider(manifest: manifest))" : "\(try NotificationAlert(manifest: manifest))"
    }

    @Test("the schema's enumerations are the code's")
    func enumerations() throws {
        let provider = try #require(Self.specProperties(NotificationProvider.customResourceDefinition))
        #expect(
            provider["type"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
                == NotificationProvider.ProviderType.allCases.map(\.rawValue))
        let alert = try #require(Self.specProperties(NotificationAlert.customResourceDefinition))
        #expect(
            alert["events"]?[path: "items", "enum"]?.arrayValue?.compactMap(\.stringValue)
                == NotificationEventKind.allCases.map(\.rawValue))
    }
}
