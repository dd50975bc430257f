import ChartArchive
import Testing

/// Damage to the compressed archive, applied to a valid chart `.tgz`, and how it must be refused.
struct DamageCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    /// Turns the valid archive (and its tar stream) into the damaged bytes.
    let damage: @Sendable (_ archive: [UInt8], _ tar: [UInt8]) -> [UInt8]
    /// The code the error must have.
    let code: ChartArchiveError.Code
    /// A fragment the message must contain.
    let message: String
    /// The limits to extract with.
    var limits = ChartArchive.Limits()

    static let all: [DamageCase] = [
        DamageCase(
            testDescription: "cut in the middle", damage: { archive, _ in Array(archive.prefix(archive.count / 2)) },
            code: .corrupt, message: "truncated"),
        DamageCase(
            testDescription: "without its trailer", damage: { archive, _ in Array(archive.dropLast(4)) },
            code: .corrupt, message: "truncated"),
        DamageCase(
            testDescription: "a flipped byte",
            damage: { archive, _ in
                var damaged = archive
                damaged[damaged.count - 6] ^= 0xff  // inside the CRC-32 of the trailer
                return damaged
            }, code: .corrupt, message: "not valid gzip data"),
        DamageCase(
            testDescription: "garbage after the gzip member", damage: { archive, _ in archive + Array("junk".utf8) },
            code: .corrupt, message: "not valid gzip data"),
        DamageCase(
            testDescription: "not compressed at all", damage: { _, tar in tar },
            code: .corrupt, message: "not valid gzip data"),
        DamageCase(testDescription: "empty", damage: { _, _ in [] }, code: .corrupt, message: "is empty"),
        DamageCase(
            testDescription: "over maxCompressedBytes", damage: { archive, _ in archive },
            code: .tooLarge, message: "more than maxCompressedBytes (100 bytes)",
            limits: .init(maxCompressedBytes: 100)),
        DamageCase(
            testDescription: "over maxUncompressedBytes", damage: { archive, _ in archive },
            code: .tooLarge, message: "more than maxUncompressedBytes (2048 bytes)",
            limits: .init(maxUncompressedBytes: 2048)),
    ]
}

/// The gzip layer: damaged or oversized data is refused before the tar stream is read, and a
/// decompression bomb is stopped at the limit.
@Suite struct GzipTests {
    @Test("refuses", arguments: DamageCase.all)
    func refuses(_ row: DamageCase) throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.file("mychart/Chart.yaml", "name: mychart\n")
        tar.file("mychart/values.yaml", String(repeating: "key: value\n", count: 100))
        let archive = row.damage(try scratch.gzip(tar.archive()), tar.archive())

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(archive, into: scratch.destination, limits: row.limits)
        }

        #expect(error?.code == row.code)
        #expect(error?.message.contains(row.message) == true, "\(error?.message ?? "no error")")
        #expect(try scratch.destinationIsEmpty())
    }

    @Test("a decompression bomb stops at maxUncompressedBytes")
    func bomb() throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.entry("mychart/zeros", data: [UInt8](repeating: 0, count: 10 << 20))
        let archive = try scratch.gzip(tar.archive())
        #expect(archive.count < 100 << 10)

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(
                archive, into: scratch.destination, limits: .init(maxUncompressedBytes: 1 << 20))
        }

        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("maxUncompressedBytes (1048576 bytes)") == true)
        #expect(try scratch.destinationIsEmpty())
    }
}
