/// Unified-diff text (`diff -u` format) of two lists of lines.
enum UnifiedDiff {
    /// ANSI escape sequences used with `colored`.
    enum Color {
        static let bold = "\u{1B}[1m"
        static let red = "\u{1B}[31m"
        static let green = "\u{1B}[32m"
        static let cyan = "\u{1B}[36m"
        static let reset = "\u{1B}[0m"
    }

    /// The `---`/`+++` headers followed by `@@` hunks with `context` unchanged lines around each change;
    /// empty when the lines are the same. Hunk ranges follow GNU diff: `-start,count` with `,count`
    /// left out for one line, and an empty range given as the line before it.
    static func render(
        old: [Substring], new: [Substring], oldName: String, newName: String, context: Int, colored: Bool
    ) -> String {
        let edits = LineDiff.edits(from: old, to: new)
        // Each hunk shows the edits within `context` of a change; hunks that touch are merged.
        var hunks: [Range<Int>] = []
        for (index, edit) in edits.enumerated() {
            if case .equal = edit { continue }
            let window = max(0, index - context)..<min(edits.count, index + context + 1)
            if let last = hunks.last, window.lowerBound <= last.upperBound {
                hunks[hunks.count - 1] = last.lowerBound..<window.upperBound
            } else {
                hunks.append(window)
            }
        }
        guard !hunks.isEmpty else { return "" }
        var output = ""
        func emit(_ line: String, _ color: String) {
            output += colored ? color + line + Color.reset + "\n" : line + "\n"
        }
        emit("--- \(oldName)", Color.bold)
        emit("+++ \(newName)", Color.bold)
        // Lines of each side before each edit, to number the hunks.
        var oldBefore = [0]
        var newBefore = [0]
        for edit in edits {
            let (oldLines, newLines) =
                switch edit {
                case .equal: (1, 1)
                case .delete: (1, 0)
                case .insert: (0, 1)
                }
            oldBefore.append(oldBefore.last! + oldLines)
            newBefore.append(newBefore.last! + newLines)
        }
        for hunk in hunks {
            let oldRange = range(start: oldBefore[hunk.lowerBound], end: oldBefore[hunk.upperBound])
            let newRange = range(start: newBefore[hunk.lowerBound], end: newBefore[hunk.upperBound])
            emit("@@ -\(oldRange) +\(newRange) @@", Color.cyan)
            for edit in edits[hunk] {
                switch edit {
                case .equal(let index, _): output += " \(old[index])\n"
                case .delete(let index): emit("-\(old[index])", Color.red)
                case .insert(let index): emit("+\(new[index])", Color.green)
                }
            }
        }
        return output
    }

    /// A hunk range over the lines `start..<end` of one side.
    private static func range(start: Int, end: Int) -> String {
        switch end - start {
        case 0: "\(start),0"
        case 1: "\(start + 1)"
        default: "\(start + 1),\(end - start)"
        }
    }
}
