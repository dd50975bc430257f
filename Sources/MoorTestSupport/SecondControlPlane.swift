internal import Foundation
package import KubeClient
internal import Subprocess

/// Another local control plane beside the shared ``TestCluster``, for tests that need two clusters:
/// `scripts/control-plane.sh up` under its own `MOOR_CP_NAME` (about 10 s once the build is cached),
/// stopped again with `down`. ``run(name:_:)`` stops it also when the test fails.
package struct SecondControlPlane: Sendable {
    /// The plane's name (its `MOOR_CP_NAME`).
    package let name: String
    /// Kubeconfig of its administrator (bearer token; the CA is a file in ``stateDirectory``).
    package let adminKubeconfig: String
    /// Its state directory (PKI, tokens, logs).
    package let stateDirectory: String

    /// Starts the plane `name` (or finds it running), runs `body` with it, and stops it afterwards,
    /// whether `body` throws or not.
    package static func run<T: Sendable>(
        name: String, _ body: (SecondControlPlane) async throws -> T
    ) async throws -> T {
        let plane = try await start(name: name)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(plane))
        } catch {
            result = .failure(error)
        }
        try await plane.stop()
        return try result.get()
    }

    /// Starts the plane `name`, or finds it already running. Throws ``TestClusterError`` when it
    /// does not start.
    package static func start(name: String) async throws -> SecondControlPlane {
        let output = try await script(["up"], name: name)
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("export MOOR_CP_STATE=") }) else {
            throw TestClusterError(message: "control-plane.sh up printed no state directory")
        }
        let state = String(line.dropFirst("export MOOR_CP_STATE=".count))
        return SecondControlPlane(name: name, adminKubeconfig: "\(state)/admin.kubeconfig", stateDirectory: state)
    }

    /// Stops exactly the processes `up` started and removes the state.
    package func stop() async throws {
        _ = try await Self.script(["down"], name: name)
    }

    /// A client for the admin user.
    package func adminClient(maxInFlight: Int = 32) throws -> KubeClient {
        try KubeClient(kubeconfig: [adminKubeconfig], maxInFlight: maxInFlight)
    }

    /// The admin kubeconfig's text.
    package func adminKubeconfigText() throws -> String {
        try String(contentsOfFile: adminKubeconfig, encoding: .utf8)
    }

    private static func script(_ arguments: [String], name: String) async throws -> String {
        let result = try await Subprocess.run(
            .path(.init("\(TestCluster.repositoryRoot)/scripts/control-plane.sh")), arguments: Arguments(arguments),
            environment: .inherit.updating(["MOOR_CP_NAME": name]), workingDirectory: .init(TestCluster.repositoryRoot),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 20))
        guard result.terminationStatus.isSuccess else {
            throw TestClusterError(
                message: "control-plane.sh \(arguments.joined(separator: " ")) failed for \(name): "
                    + "\(result.standardError.suffix(2000))")
        }
        return result.standardOutput
    }
}
