import ArgumentParser
import Foundation

/// `--color` and `--no-color`: whether a command colours the diffs it prints.
struct DiffColorFlags: ParsableArguments {
    @Flag(help: "Colour the diff (default: when writing to a terminal).")
    var color = false

    @Flag(name: .customLong("no-color"), help: "Never colour the diff.")
    var noColor = false

    /// Never with `--no-color`; with `--color`; otherwise when standard output is a terminal.
    var enabled: Bool { !noColor && (color || isatty(STDOUT_FILENO) == 1) }
}
