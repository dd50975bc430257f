import ArgumentParser

/// Moor's release version.
enum MoorVersion {
    /// The version string printed by `moor version` and `moor --version`.
    static let current = "0.1.0"
}

/// `moor version`: prints Moor's version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Moor's version.")

    func run() {
        print("moor \(MoorVersion.current)")
    }
}
