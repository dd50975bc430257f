import Foundation

/// Warnings for people, on standard error (so `-o json` output stays machine-readable).
enum Warnings {
    /// Prints each of `warnings` as `warning: …`.
    static func print(_ warnings: [String]) {
        for warning in warnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }
}
