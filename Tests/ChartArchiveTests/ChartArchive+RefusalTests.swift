import ChartArchive
import Testing

/// One hostile or broken tar stream (gzip-compressed by the test) and how it must be refused.
struct RefusalCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    /// The tar stream.
    let tar: [UInt8]
    /// The code the error must have.
    let code: ChartArchiveError.Code
    /// A fragment the message must contain (the entry's quoted name, the limit, …).
    let message: String
    /// The limits to extract with.
    var limits = ChartArchive.Limits()

    /// A tar with `mychart/Chart.yaml` first, then what `build` appends.
    static func after(
        _ name: String, code: ChartArchiveError.Code, _ message: String, limits: ChartArchive.Limits = .init(),
        endMarker: Bool = true, _ build: (inout TarBuilder) -> Void
    ) -> RefusalCase {
        var tar = TarBuilder()
        tar.file("mychart/Chart.yaml", "name: mychart\n")
        build(&tar)
        return RefusalCase(
            testDescription: name, tar: tar.archive(endMarker: endMarker), code: code, message: message,
            limits: limits)
    }

    static let all: [RefusalCase] = [
        after("a .. entry", code: .unsafePath, #""../evil" leaves the chart directory"#) {
            $0.file("../evil", "x")
        },
        after("a .. inside the chart directory", code: .unsafePath, #""mychart/templates/../../../x""#) {
            $0.file("mychart/templates/../../../x", "x")
        },
        after("an absolute path", code: .unsafePath, #""/etc/cron.d/evil" is an absolute path"#) {
            $0.file("/etc/cron.d/evil", "x")
        },
        after("an empty name", code: .unsafePath, "empty name") { $0.file("", "x") },
        after("a name of only dots", code: .unsafePath, #""./." has no name"#) { $0.file("./.", "x") },
        after("a NUL byte in a pax path", code: .unsafePath, "NUL byte") {
            $0.pax([(key: "path", value: Array("mychart/a\u{0}/../../x".utf8))])
            $0.file("mychart/a", "x")
        },
        after("a name that is not UTF-8", code: .unsafePath, "not valid UTF-8") {
            $0.entry(Array("mychart/".utf8) + [0xff, 0xfe], data: [1])
        },
        after("a pax path that climbs out", code: .unsafePath, #""../../evil""#) {
            $0.pax([(key: "path", value: Array("../../evil".utf8))])
            $0.file("mychart/innocent.yaml", "x")
        },
        after("a GNU long name that climbs out", code: .unsafePath, "leaves the chart directory") {
            $0.longName(Array(("mychart/" + String(repeating: "../", count: 40) + "etc/passwd").utf8))
            $0.file("mychart/innocent.yaml", "x")
        },
        after("a path component longer than 255 bytes", code: .unsafePath, "too long") {
            $0.pax([(key: "path", value: Array(("mychart/" + String(repeating: "x", count: 256)).utf8))])
            $0.file("mychart/innocent.yaml", "x")
        },
        after("a symlink to /etc/passwd", code: .unsupportedEntry, #"symbolic link (to "/etc/passwd")"#) {
            $0.entry("mychart/passwd", type: "2", linkName: "/etc/passwd")
        },
        after("a symlink inside the chart", code: .unsupportedEntry, #""mychart/link.yaml" is a symbolic link"#) {
            $0.entry("mychart/link.yaml", type: "2", linkName: "Chart.yaml")
        },
        after("a hard link", code: .unsupportedEntry, #"hard link (to "mychart/Chart.yaml")"#) {
            $0.entry("mychart/hard", type: "1", linkName: "mychart/Chart.yaml")
        },
        after("a character device", code: .unsupportedEntry, #""mychart/null" is a character device"#) {
            $0.entry("mychart/null", type: "3")
        },
        after("a block device", code: .unsupportedEntry, "block device") { $0.entry("mychart/sda", type: "4") },
        after("a FIFO", code: .unsupportedEntry, #""mychart/pipe" is a FIFO"#) { $0.entry("mychart/pipe", type: "6") },
        after("a GNU sparse file", code: .unsupportedEntry, "unsupported tar entry type 'S'") {
            $0.entry("mychart/sparse", type: "S", data: [1, 2, 3])
        },
        after(
            "a second top directory", code: .layout, #""other/Chart.yaml" is outside the chart directory "mychart""#
        ) {
            $0.file("other/Chart.yaml", "name: other\n")
        },
        after("a file at the top level", code: .layout, #""README.md" is a file at the top level"#) {
            $0.file("README.md", "x")
        },
        after("a duplicate file", code: .layout, #""mychart/Chart.yaml" appears more than once"#) {
            $0.file("mychart/./Chart.yaml", "name: evil\n")
        },
        after("a duplicate directory", code: .layout, #""mychart/templates" appears more than once"#) {
            $0.directory("mychart/templates/")
            $0.directory("mychart/templates")
        },
        after("a path that is a file and a directory", code: .layout, #""mychart/templates" is both"#) {
            $0.file("mychart/templates", "x")
            $0.file("mychart/templates/x.yaml", "x")
        },
        RefusalCase(
            testDescription: "no entries", tar: TarBuilder().archive(), code: .layout, message: "has no entries"),
        after("a header with a wrong checksum", code: .corrupt, "the tar header at byte 1024 fails its checksum") {
            $0.entry(Array("mychart/values.yaml".utf8), data: [1], checksumError: 1)
        },
        after("data cut short", code: .corrupt, "truncated", endMarker: false) {
            $0.entry(Array("mychart/values.yaml".utf8), data: [1], size: 4096)
        },
        after("no end-of-archive marker", code: .corrupt, "truncated", endMarker: false) {
            $0.file("mychart/values.yaml", "x")
        },
        after("a pax header with no entry after it", code: .corrupt, "has no entry after it") {
            $0.pax([(key: "path", value: Array("mychart/x".utf8))])
        },
        after("a malformed pax record", code: .corrupt, "malformed record") {
            $0.entry(Array("PaxHeaders/x".utf8), type: "x", data: Array("12 pathxxxxx\n".utf8))
            $0.file("mychart/x", "x")
        },
        after("a pax size that is not a number", code: .corrupt, "pax size that is not a number") {
            $0.pax([(key: "size", value: Array("12a".utf8))])
            $0.file("mychart/x", "x")
        },
        after(
            "too many entries", code: .tooLarge, "more than maxFiles (3) entries",
            limits: .init(maxFiles: 3)
        ) {
            for index in 1...4 { $0.file("mychart/\(index).yaml", "x") }
        },
        after(
            "a file over maxFileBytes", code: .tooLarge,
            #""mychart/big" is 2048 bytes, more than maxFileBytes (1024 bytes)"#, limits: .init(maxFileBytes: 1024)
        ) {
            $0.entry("mychart/big", data: [UInt8](repeating: 7, count: 2048))
        },
    ]
}

/// Hostile and broken archives are refused with the right code and a message naming the entry or
/// limit, and nothing is written.
@Suite struct ChartArchiveRefusalTests {
    @Test("refuses", arguments: RefusalCase.all)
    func refuses(_ row: RefusalCase) throws {
        let scratch = try Scratch()
        let archive = try scratch.gzip(row.tar)

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(archive, into: scratch.destination, limits: row.limits)
        }

        #expect(error?.code == row.code)
        #expect(error?.message.contains(row.message) == true, "\(error?.message ?? "no error")")
        #expect(try scratch.destinationIsEmpty())
    }

    @Test("the message names the entry and says the archive is refused")
    func message() throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.file("mychart/Chart.yaml", "secret: hunter2\n")
        tar.file("../../etc/passwd", "root::0:0::/:/bin/sh\n")

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(try scratch.gzip(tar.archive()), into: scratch.destination)
        }

        #expect(
            error?.description
                == #"chart archive entry "../../etc/passwd" leaves the chart directory; refusing the archive"#)
        #expect(try scratch.destinationIsEmpty())
    }

    @Test("a hostile name is escaped and cut in the message")
    func hostileName() throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.pax([(key: "path", value: Array(("/evil\nFAKE LOG LINE" + String(repeating: "x", count: 500)).utf8))])
        tar.file("mychart/x", "x")

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(try scratch.gzip(tar.archive()), into: scratch.destination)
        }

        #expect(error?.code == .unsafePath)
        #expect(error?.message.contains("\n") == false)
        #expect(error?.message.contains(#""/evil\nFAKE LOG LINE"#) == true)
        #expect((error?.message.count ?? 0) < 300)
        #expect(try scratch.destinationIsEmpty())
    }
}
