import Foundation

extension HelmLibrary {
    /// The environment variable naming the library file (or a directory holding `libhelm_c.so`).
    static let environmentVariable = "MOOR_HELM_LIBRARY"

    /// Where the package `helm-python-sdk` puts the library inside `site-packages`.
    private static let packagedPath = "helm_python/lib/libhelm_c.so"

    /// The library file that `MOOR_HELM_LIBRARY` names, if the variable is set.
    static func configuredPath(environment: [String: String]) -> String? {
        guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
        return FileSystem.targetKind(value) == .directory ? "\(value)/libhelm_c.so" : value
    }

    /// The first `helm_python/lib/libhelm_c.so` in the `site-packages` or `dist-packages` of a
    /// Python installation, without running Python: prefixes are `$VIRTUAL_ENV`, `$CONDA_PREFIX`,
    /// the prefix of each `python3` on `PATH` (symlinks resolved), pyenv's versions (newest first),
    /// `~/.local`, `/usr/local` and `/usr`; within a prefix, `lib/python3*` newest first.
    static func discoveredPath(environment: [String: String]) -> String? {
        for prefix in pythonPrefixes(environment: environment) {
            let lib = "\(prefix)/lib"
            guard FileSystem.targetKind(lib) == .directory, let names = try? FileSystem.entries(lib) else { continue }
            for name in names.filter({ $0.hasPrefix("python3") }).sorted(by: newerPythonFirst) {
                for packages in ["site-packages", "dist-packages"] {
                    let candidate = "\(lib)/\(name)/\(packages)/\(packagedPath)"
                    if FileSystem.targetKind(candidate) == .file { return candidate }
                }
            }
        }
        return nil
    }

    private static func pythonPrefixes(environment: [String: String]) -> [String] {
        var prefixes: [String] = []
        for variable in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
            if let value = environment[variable], !value.isEmpty { prefixes.append(value) }
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where directory.hasPrefix("/") {
            guard let python = FileSystem.realPath("\(directory)/python3") else { continue }
            let bin = python.split(separator: "/").dropLast()
            if bin.last == "bin" { prefixes.append("/" + bin.dropLast().joined(separator: "/")) }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let pyenv = environment["PYENV_ROOT"] ?? "\(home)/.pyenv"
        if let versions = try? FileSystem.entries("\(pyenv)/versions") {
            prefixes += versions.sorted(by: newerPythonFirst).map { "\(pyenv)/versions/\($0)" }
        }
        prefixes += ["\(home)/.local", "/usr/local", "/usr"]
        var seen: Set<String> = []
        return prefixes.filter { seen.insert($0).inserted }
    }

    /// Orders `python3.12` before `python3.9` and `3.11.7` before `3.9.1`.
    private static func newerPythonFirst(_ a: String, _ b: String) -> Bool {
        func numbers(_ text: String) -> [Int] {
            text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        }
        return numbers(b).lexicographicallyPrecedes(numbers(a))
    }
}
