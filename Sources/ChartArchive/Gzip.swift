import CZlib

/// gzip decompression with a hard bound on the output, so that a decompression bomb fails after at
/// most `limit` bytes instead of exhausting memory.
enum Gzip {
    /// The decompressed bytes of `data`, one gzip member or several concatenated (as `cat a.gz b.gz`
    /// makes; their outputs are joined).
    ///
    /// Throws `.tooLarge` as soon as the output would exceed `limit` bytes, having never held more
    /// than `limit` bytes; `.corrupt` for data that is empty, not gzip, fails its CRC or length
    /// check, is truncated, or is followed by anything that is not another gzip member.
    static func inflate(_ data: [UInt8], limit: Int) throws(ChartArchiveError) -> [UInt8] {
        guard !data.isEmpty else { throw ChartArchiveError(.corrupt, "the chart archive is empty") }
        guard data.count <= Int(UInt32.max) else {
            throw ChartArchiveError(.tooLarge, "the chart archive is larger than 4 GiB; refusing the archive")
        }
        var stream = z_stream()
        // 15 + 32: the largest window, and detect a gzip (or zlib) header automatically.
        guard moor_inflateInit2(&stream, 15 + 32) == Z_OK else {
            throw ChartArchiveError(.io, "cannot initialise zlib to decompress the chart archive")
        }
        defer { inflateEnd(&stream) }
        let result = data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            return drain(&stream, limit: limit)
        }
        return try result.get()
    }

    /// Runs `stream` until its input is used up, appending the output in chunks.
    private static func drain(_ stream: inout z_stream, limit: Int) -> Result<[UInt8], ChartArchiveError> {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(buffer.count)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.avail_out))
            }
            guard produced <= limit - output.count else {
                return .failure(
                    ChartArchiveError(
                        .tooLarge,
                        "the chart archive decompresses to more than maxUncompressedBytes (\(limit) bytes); "
                            + "refusing the archive"))
            }
            if output.count + produced > output.capacity {
                // Grow by doubling, but never reserve beyond the limit.
                output.reserveCapacity(min(limit, max(output.capacity * 2, output.count + produced)))
            }
            output.append(contentsOf: chunk[..<produced])
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if stream.avail_in == 0 { return .success(output) }
                // Another member follows (or trailing garbage, which the next round rejects).
                guard inflateReset(&stream) == Z_OK else { return .failure(corrupt(stream)) }
            case Z_BUF_ERROR:
                // No progress with room left for output: the input ended inside a member.
                return .failure(
                    ChartArchiveError(.corrupt, "the chart archive is truncated: the gzip data ends early"))
            default:
                return .failure(corrupt(stream))
            }
        }
    }

    /// The error for data zlib rejects, with zlib's reason (a short fixed text such as
    /// `incorrect header check`).
    private static func corrupt(_ stream: z_stream) -> ChartArchiveError {
        let reason = stream.msg.map { String(cString: $0) } ?? "invalid data"
        return ChartArchiveError(.corrupt, "the chart archive is not valid gzip data (\(reason))")
    }
}
