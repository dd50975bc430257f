import ArgumentParser
import Health
import HealthScript

/// How a command that judges health locally reads the user's Lua health checks: `--health-customizations FILE`.
struct HealthFlags: ParsableArguments {
    @Option(
        name: .customLong("health-customizations"),
        help: ArgumentHelp(
            "Lua health checks: a ConfigMap manifest (moor-cm or argocd-cm) or a YAML mapping of its data keys.",
            valueName: "file"))
    var file: String?

    /// The file's checks before the built-in rules; the built-in rules alone without the option.
    ///
    /// Throws a `ValidationError` naming the file, and every key of it that cannot be used (a malformed key, a
    /// script that does not compile), so a typo never silently falls back to the built-in rule.
    func assessor() throws -> HealthAssessor {
        guard let file else { return .builtIn }
        let scripts: HealthScripts
        do {
            scripts = HealthScripts(try HealthCustomizations(contentsOfFile: file))
        } catch {
            throw ValidationError("--health-customizations \(error.message)")
        }
        guard scripts.problems.isEmpty else {
            throw ValidationError(
                "--health-customizations \(file): "
                    + scripts.problems.map(\.message).joined(separator: "; "))
        }
        return HealthAssessor(custom: scripts)
    }
}
