import Foundation
import Testing

/// A temporary directory for one test, removed afterwards: holds the fixtures the system `tar` and
/// `gzip` build and an empty `out` directory to extract into.
struct Scratch: ~Copyable {
    /// The directory's path.
    let path: String
    /// The empty destination directory for extraction.
    let destination: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("chartarchive-\(UUID().uuidString)").path
        destination = "\(path)/out"
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Runs a tool with `arguments` (found on `PATH`) in this directory and expects success.
    func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(arguments.joined(separator: " ")) failed")
    }

    /// `tar` compressed by the system `gzip`.
    func gzip(_ tar: [UInt8]) throws -> [UInt8] {
        let name = "fixture-\(UUID().uuidString).tar"
        try write(tar, to: name)
        try run(["gzip", "-n", name])
        return try read("\(name).gz")
    }

    /// Creates the files below this directory (parents as needed) with text contents and modes.
    func tree(_ files: KeyValuePairs<String, (String, Int)>) throws {
        for (name, (contents, mode)) in files {
            let url = URL(fileURLWithPath: "\(path)/\(name)")
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        }
    }

    /// Writes `bytes` to `name` in this directory.
    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: "\(path)/\(name)"))
    }

    /// The bytes of `name` in this directory.
    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(name)")))
    }

    /// What the destination holds: every file's path (relative, `/`-separated) → contents, and
    /// every directory's path → `nil`.
    func extracted() throws -> [String: String?] {
        var found: [String: String?] = [:]
        let enumerator = FileManager.default.enumerator(atPath: destination)
        while let relative = enumerator?.nextObject() as? String {
            let full = "\(destination)/\(relative)"
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            found[relative] = isDirectory.boolValue ? String?.none : try String(contentsOfFile: full, encoding: .utf8)
        }
        return found
    }

    /// Whether the destination is still empty.
    func destinationIsEmpty() throws -> Bool {
        try FileManager.default.contentsOfDirectory(atPath: destination).isEmpty
    }

    /// The permission bits of `relative` below the destination, as `lstat` sees them.
    func mode(_ relative: String) -> Int {
        var info = stat()
        guard lstat("\(destination)/\(relative)", &info) == 0 else { return -1 }
        return Int(info.st_mode & 0o7777)
    }
}
