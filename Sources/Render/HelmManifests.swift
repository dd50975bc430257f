/// Cuts a rendered Helm template into the documents Helm itself makes of it.
///
/// Helm does not parse a template's output as one YAML stream: it cuts it at every line that starts
/// with `---`, whatever follows on that line (`--- # comment`, or template output written right
/// after the dashes, as `---{{ include … }}` renders), and at a `---` that opens the whole output.
/// Whatever follows the dashes on their line starts the next document. Each document is trimmed
/// of surrounding white space, and empty ones are dropped. A document that holds only comments
/// stays a document here and yields no object when decoded.
enum HelmManifests {
    /// One document of a rendered template.
    struct Document: Sendable, Hashable {
        /// The document's text, trimmed as Helm trims it.
        var text: String
        /// The 1-based line of the rendered template on which ``text`` starts.
        var line: Int
    }

    /// The documents of `rendered`, in order.
    static func documents(in rendered: String) -> [Document] {
        var documents: [Document] = []
        var lines: [(number: Int, text: Substring)] = []
        func finishDocument() {
            defer { lines = [] }
            guard let first = lines.firstIndex(where: { !$0.text.isBlank }),
                let last = lines.lastIndex(where: { !$0.text.isBlank })
            else { return }
            var texts = lines[first...last].map(\.text)
            texts[0] = texts[0].drop(while: \.isWhitespace)
            texts[texts.count - 1] = texts[texts.count - 1].trimmingTrailingWhitespace()
            documents.append(Document(text: texts.joined(separator: "\n"), line: lines[first].number))
        }
        var started = false
        for (index, line) in rendered.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // Helm trims the whole output first, so only the very first content may be indented.
            let candidate = started ? line : line.drop(while: \.isWhitespace)
            if candidate.hasPrefix("---") {
                finishDocument()
                lines = [(index + 1, candidate.dropFirst(3))]
                started = true
                continue
            }
            if !line.isBlank { started = true }
            lines.append((index + 1, line))
        }
        finishDocument()
        return documents
    }
}

extension Substring {
    fileprivate var isBlank: Bool { allSatisfy(\.isWhitespace) }

    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[startIndex..<end]
    }
}
