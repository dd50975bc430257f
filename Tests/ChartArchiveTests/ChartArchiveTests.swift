import ChartArchive
import Foundation
import Testing

/// Well-formed chart archives unpack to exactly their files, with normalised modes.
@Suite struct ChartArchiveTests {
    /// A path longer than the 100 bytes of a tar name field, so that each format needs its own
    /// mechanism: a GNU long name, a pax `path` record, or the ustar prefix field.
    static let longPath =
        "mychart/templates/" + String(repeating: "a", count: 60) + "/" + String(repeating: "b", count: 60) + ".yaml"

    /// The chart the system `tar` packs, as file → (contents, mode).
    static let chart: KeyValuePairs<String, (String, Int)> = [
        "mychart/Chart.yaml": ("apiVersion: v2\nname: mychart\nversion: 1.0.0\n", 0o644),
        "mychart/values.yaml": ("replicas: 2\n", 0o600),
        "mychart/templates/x.yaml": ("kind: ConfigMap\n", 0o644),
        "mychart/charts/sub/templates/y.yaml": ("kind: Secret\n", 0o644),
        "mychart/scripts/run.sh": ("#!/bin/sh\n", 0o755),
        longPath: ("kind: Service\n", 0o644),
    ]

    /// Every directory of ``chart`` below the destination.
    static let chartDirectories = [
        "mychart", "mychart/templates", "mychart/charts", "mychart/charts/sub", "mychart/charts/sub/templates",
        "mychart/scripts", "mychart/templates/" + String(repeating: "a", count: 60),
    ]

    /// What extracting ``chart`` must produce: its files' contents and its directories.
    static var expectedChart: [String: String?] {
        var expected: [String: String?] = [:]
        for (path, (contents, _)) in chart { expected[path] = contents }
        for directory in chartDirectories { expected[directory] = String?.none }
        return expected
    }

    @Test("a chart packed by the system tar unpacks exactly", arguments: ["gnu", "pax", "ustar"])
    func systemTar(format: String) throws {
        let scratch = try Scratch()
        try scratch.tree(Self.chart)
        try scratch.run(["tar", "--format=\(format)", "-czf", "chart.tgz", "mychart"])

        let chart = try ChartArchive.extract(try scratch.read("chart.tgz"), into: scratch.destination)

        #expect(try scratch.extracted() == Self.expectedChart)
        #expect(chart.topDirectory == "mychart")
        #expect(chart.path == "\(scratch.destination)/mychart")
        #expect(chart.files == Self.chart.count)
        #expect(chart.bytes == Self.chart.reduce(0) { $0 + $1.value.0.utf8.count })
    }

    @Test("files get 0644 or 0755 (any executable bit), directories 0755")
    func modes() throws {
        let scratch = try Scratch()
        try scratch.tree(Self.chart)
        try scratch.run(["tar", "-czf", "chart.tgz", "mychart"])

        _ = try ChartArchive.extract(try scratch.read("chart.tgz"), into: scratch.destination)

        #expect(scratch.mode("mychart/values.yaml") == 0o644)
        #expect(scratch.mode("mychart/Chart.yaml") == 0o644)
        #expect(scratch.mode("mychart/scripts/run.sh") == 0o755)
        #expect(scratch.mode("mychart") == 0o755)
        #expect(scratch.mode("mychart/charts/sub") == 0o755)
    }

    @Test("an archive of ./mychart (tar -C dir .) skips the root entry")
    func dotRoot() throws {
        let scratch = try Scratch()
        try scratch.tree(["src/mychart/Chart.yaml": ("name: mychart\n", 0o644)])
        try scratch.run(["tar", "-czf", "chart.tgz", "-C", "src", "."])

        let chart = try ChartArchive.extract(try scratch.read("chart.tgz"), into: scratch.destination)

        #expect(chart.topDirectory == "mychart")
        #expect(try scratch.extracted() == ["mychart": String?.none, "mychart/Chart.yaml": "name: mychart\n"])
    }

    @Test("an archive with files only, as helm package writes it, gets its directories created")
    func filesOnly() throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.file("mychart/Chart.yaml", "name: mychart\n")
        tar.file("mychart/templates/deep/x.yaml", "kind: Pod\n", mode: 0o700)
        tar.file("mychart/empty.txt", "")

        let chart = try ChartArchive.extract(try scratch.gzip(tar.archive()), into: scratch.destination + "/")

        #expect(
            try scratch.extracted() == [
                "mychart": String?.none, "mychart/templates": String?.none, "mychart/templates/deep": String?.none,
                "mychart/Chart.yaml": "name: mychart\n", "mychart/templates/deep/x.yaml": "kind: Pod\n",
                "mychart/empty.txt": "",
            ])
        #expect(scratch.mode("mychart/templates/deep/x.yaml") == 0o755)
        #expect(chart.topDirectory == "mychart")
        #expect(chart.path == "\(scratch.destination)/mychart")
        #expect(chart.files == 3)
        #expect(chart.bytes == 24)
    }

    @Test("pax size records, base-256 sizes, global headers and GNU long names are applied")
    func extensionHeaders() throws {
        let scratch = try Scratch()
        let longName = "mychart/" + String(repeating: "n", count: 150) + ".yaml"
        var tar = TarBuilder()
        tar.pax([(key: "comment", value: Array("made by hand".utf8))], global: true)
        tar.pax([(key: "size", value: Array("5".utf8)), (key: "mtime", value: Array("1.5".utf8))])
        tar.entry(Array("mychart/pax-size.txt".utf8), data: Array("hello".utf8), size: 0)
        tar.entry(Array("mychart/base256.txt".utf8), data: Array("big".utf8), base256Size: true)
        tar.longName(Array(longName.utf8))
        tar.file(String(longName.prefix(100)), "long\n")
        tar.pax([(key: "path", value: Array("mychart/from-pax.txt".utf8))])
        tar.file("mychart/ignored-name.txt", "pax\n")

        _ = try ChartArchive.extract(try scratch.gzip(tar.archive()), into: scratch.destination)

        #expect(
            try scratch.extracted() == [
                "mychart": String?.none, "mychart/pax-size.txt": "hello", "mychart/base256.txt": "big",
                longName: "long\n", "mychart/from-pax.txt": "pax\n",
            ])
    }

    @Test("concatenated gzip members are one archive")
    func concatenatedMembers() throws {
        let scratch = try Scratch()
        let tar = TarBuilder.files(["mychart/a.txt": "a", "mychart/b.txt": "b"])
        let archive = try scratch.gzip(Array(tar[..<1024])) + scratch.gzip(Array(tar[1024...]))

        _ = try ChartArchive.extract(archive, into: scratch.destination)

        #expect(try scratch.extracted() == ["mychart": String?.none, "mychart/a.txt": "a", "mychart/b.txt": "b"])
    }
}

/// The destination must be an existing, empty directory; anything else is refused before reading.
@Suite struct ChartArchiveDestinationTests {
    @Test("a destination that is not empty is refused and left alone")
    func notEmpty() throws {
        let scratch = try Scratch()
        try scratch.tree(["out/keep.txt": ("keep\n", 0o644)])
        let archive = try scratch.gzip(TarBuilder.files(["mychart/Chart.yaml": "name: mychart\n"]))

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(archive, into: scratch.destination)
        }

        #expect(error?.code == .io)
        #expect(error?.message.contains("is not empty") == true)
        #expect(try scratch.extracted() == ["keep.txt": "keep\n"])
    }

    @Test("a missing destination is refused")
    func missing() throws {
        let scratch = try Scratch()
        let archive = try scratch.gzip(TarBuilder.files(["mychart/Chart.yaml": "name: mychart\n"]))

        let error = #expect(throws: ChartArchiveError.self) {
            try ChartArchive.extract(archive, into: scratch.destination + "/missing")
        }

        #expect(error?.code == .io)
        #expect(error?.message.contains("is not a directory") == true)
    }
}
