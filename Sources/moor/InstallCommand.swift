import ArgumentParser
import MoorCore
import MoorYAML

/// `moor install`: prints the manifests that install Moor's custom resources into a cluster.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Print the manifests that install Moor into a cluster (pipe them to kubectl apply -f -).")

    func run() {
        print(YAMLWriter.stream(InstallManifests.all), terminator: "")
    }
}

/// The objects `moor install` prints.
enum InstallManifests {
    /// The Application CRD (later: the controller's RBAC and Deployment).
    static var all: [JSONValue] { [Application.customResourceDefinition] }
}
