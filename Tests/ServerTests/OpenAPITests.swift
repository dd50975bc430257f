import Foundation
import MoorCore
import MoorTestSupport
import MoorYAML
import Subprocess
import Testing

@Suite("docs/openapi.yaml")
struct OpenAPITests {
    static let path = "\(TestCluster.repositoryRoot)/docs/openapi.yaml"

    @Test("documents every route the server serves, with its methods")
    func everyRoute() throws {
        let document = try YAMLReader.documents(try String(contentsOfFile: Self.path, encoding: .utf8))[0].value
        let paths = try #require(document["paths"]?.objectValue)
        var routes: [String] = []
        for (path, item) in paths {
            for method in ["get", "post"] where item[method] != nil { routes.append("\(method.uppercased()) \(path)") }
        }
        #expect(
            routes.sorted() == [
                "GET /", "GET /api/v1/applications", "GET /api/v1/applications/{name}",
                "GET /api/v1/applications/{name}/diff", "GET /api/v1/applications/{name}/history",
                "GET /api/v1/applications/{name}/tree", "GET /api/v1/events", "GET /api/v1/previews",
                "GET /api/v1/previews/{repository}/{number}", "GET /api/v1/session", "GET /healthz", "GET /metrics",
                "GET /readyz", "GET /ui/{path}", "POST /api/v1/applications/{name}/refresh",
                "POST /api/v1/applications/{name}/rollback", "POST /api/v1/applications/{name}/sync",
                "POST /api/v1/previews", "POST /api/webhook",
            ])
    }

    @Test("is a valid OpenAPI 3.0 document (openapi-spec-validator, when installed)")
    func valid() async throws {
        let probe = try await Subprocess.run(
            .name("python3"), arguments: ["-c", "import openapi_spec_validator"], output: .discarded, error: .discarded)
        guard probe.terminationStatus.isSuccess else {
            // Install it with `pip install openapi-spec-validator` (scripts/install-deps.sh does).
            return
        }
        let result = try await Subprocess.run(
            .name("python3"), arguments: ["-m", "openapi_spec_validator", Self.path],
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        #expect(result.terminationStatus.isSuccess, "\(result.standardOutput) \(result.standardError)")
    }
}
