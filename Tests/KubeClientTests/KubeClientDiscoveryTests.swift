import Foundation
import MoorCore
import MoorTestSupport
import Testing

@testable import KubeClient

/// What discovery tells about a cluster: its version, its API versions as Helm lists them, and
/// what to do about a kind it does not serve.
@Suite("KubeClient discovery against a real API server")
struct KubeClientDiscoveryTests {
    @Test("the server version and the API versions Helm's .Capabilities lists")
    func capabilities() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        let version = try await client.serverVersion()
        #expect(version.hasPrefix("v1."))
        let versions = try await client.apiVersions()
        for expected in ["v1", "v1/ConfigMap", "apps/v1", "apps/v1/Deployment", "rbac.authorization.k8s.io/v1"] {
            #expect(versions.contains(expected))
        }
        #expect(versions == versions.sorted())
    }

    @Test(
        "a kind the cluster does not serve gets a message that says what to do",
        arguments: [
            ("autoscaling/v9", "HorizontalPodAutoscaler", "it serves HorizontalPodAutoscaler in autoscaling/v1"),
            ("apps/v1", "Widget", "a built-in API: the server offers apps/v1, without Widget"),
            ("widgets.example.com/v1", "Widget", "install its CRD or fix apiVersion"),
        ])
    func unknownKind(apiVersion: String, kind: String, expected: String) async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await client.resource(apiVersion: apiVersion, kind: kind)
        }
        #expect(error?.code == .unknownKind)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("install its CRD") == (expected == "install its CRD or fix apiVersion"))
    }
}
