/// Splits a byte stream into newline-terminated lines, keeping a partial line across chunks.
///
/// A watch response arrives in chunks that do not respect event boundaries; each event is one
/// JSON document on one line.
struct LineSplitter {
    private var partial: [UInt8] = []
    /// Longest line accepted; a longer one means a broken stream.
    let maxLineBytes: Int

    init(maxLineBytes: Int = 64 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes of an unfinished line held back.
    var pendingBytes: Int { partial.count }

    /// Appends a chunk and returns the complete lines it finished (without the newline; empty lines dropped).
    /// Returns `nil` when the pending line grows past ``maxLineBytes``.
    mutating func append(_ chunk: some Collection<UInt8>) -> [[UInt8]]? {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        var index = chunk.startIndex
        while index != chunk.endIndex {
            if chunk[index] == UInt8(ascii: "\n") {
                if partial.isEmpty {
                    if start != index { lines.append(Array(chunk[start..<index])) }
                } else {
                    partial.append(contentsOf: chunk[start..<index])
                    lines.append(partial)
                    partial.removeAll(keepingCapacity: true)
                }
                start = chunk.index(after: index)
            }
            index = chunk.index(after: index)
        }
        partial.append(contentsOf: chunk[start..<chunk.endIndex])
        return partial.count > maxLineBytes ? nil : lines
    }
}
