import Foundation
import Glibc
import MoorCore

/// The Helm v4 SDK's C library (`libhelm_c.so`, helm-c-sdk 0.2, shipped by the PyPI package
/// `helm-python-sdk`), loaded with `dlopen` when first needed so Moor builds and runs without it.
///
/// Only the offline chart calls are used: `helm_chart_load`, `helm_render`, `helm_chart_crds`,
/// `helm_dependency_list`, `helm_chart_free`, `helm_free_string`, `helm_c_version` (signatures as in
/// the package's `_native.py`). Calls block, so they run on a Dispatch queue, not on the caller's executor; they
/// cannot be interrupted, so the tool timeout does not apply to them (run them in a child process,
/// ``HelmLibraryProcess``, where it must). The library stays loaded for
/// the life of the process (a Go runtime cannot be unloaded).
final class HelmLibrary: Sendable {
    private typealias Out = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private typealias VersionFunction = @convention(c) () -> UnsafeMutablePointer<CChar>?
    private typealias FreeStringFunction = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias LoadFunction =
        @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<UInt64>?, Out?) -> Int32
    private typealias FreeFunction = @convention(c) (UInt64, Out?) -> Int32
    private typealias ListFunction = @convention(c) (UInt64, Out?, Out?) -> Int32
    private typealias PathListFunction = @convention(c) (UnsafePointer<CChar>?, Out?, Out?) -> Int32
    private typealias RenderFunction =
        @convention(c) (UInt64, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Out?, Out?)
        -> Int32

    /// A failed library call: its `helm_error_code` and message.
    struct Failure: Error {
        let code: Int32
        let message: String
    }

    /// One rendered file of the chart: its name (`chart/templates/x.yaml`) and text.
    struct RenderedFile: Sendable {
        let name: String
        let text: String
    }

    /// One dependency a chart's `Chart.yaml` declares, with Helm's verdict on the chart's `charts/`
    /// directory (what `helm dependency list` prints).
    struct Dependency: Sendable, Hashable {
        /// The dependency's chart name.
        let name: String
        /// The version or constraint it asks for.
        let version: String
        /// The repository it comes from (`https://…`, `oci://…`, `@name`, `file://…`).
        let repository: String
        /// Helm's status: `ok` (an archive), `unpacked` (a directory), `missing`, `wrong version`,
        /// `misnamed`, `corrupt`, …
        let status: String
    }

    /// Where the library was loaded from.
    let path: String
    /// The library's version, e.g. `0.2.2`.
    let version: String
    private let freeString: FreeStringFunction
    private let chartLoad: LoadFunction
    private let chartFree: FreeFunction
    private let chartCRDs: ListFunction
    private let dependencyList: PathListFunction
    private let renderChart: RenderFunction

    /// Loads the library at `path` and checks that it is a helm-c library of a compatible version.
    init(path: String) throws(RenderError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw RenderError(.toolUnavailable, "cannot load the Helm library \(path): \(reason)")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(RenderError) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw RenderError(
                    .toolUnavailable, "\(path) is not a helm-c library: it does not export \(name)")
            }
            return unsafeBitCast(pointer, to: type)
        }
        let versionFunction = try symbol("helm_c_version", as: VersionFunction.self)
        let freeString = try symbol("helm_free_string", as: FreeStringFunction.self)
        self.path = path
        self.freeString = freeString
        self.chartLoad = try symbol("helm_chart_load", as: LoadFunction.self)
        self.chartFree = try symbol("helm_chart_free", as: FreeFunction.self)
        self.chartCRDs = try symbol("helm_chart_crds", as: ListFunction.self)
        self.dependencyList = try symbol("helm_dependency_list", as: PathListFunction.self)
        self.renderChart = try symbol("helm_render", as: RenderFunction.self)
        let version = versionFunction().map { pointer in
            defer { freeString(pointer) }
            return String(cString: pointer)
        }
        self.version = version ?? "unknown"
        let parts = self.version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2, parts[0] == 0, parts[1] >= 2 else {
            throw RenderError(
                .toolUnavailable, "the Helm library \(path) has version \(self.version); Moor needs helm-c 0.2")
        }
    }

    /// Renders the chart in `directory` (absolute) with `values` and `options` (JSON texts as
    /// `helm_render` takes them); with `includeCRDs`, the files of its `crds/` directories come first.
    func render(
        directory: String, values: String, options: String, includeCRDs: Bool
    ) async throws(Failure) -> [RenderedFile] {
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Result { () throws(Failure) in
                        try self.renderBlocking(
                            directory: directory, values: values, options: options, includeCRDs: includeCRDs)
                    })
            }
        }
        return try result.get()
    }

    /// The dependencies the chart in `directory` (absolute) declares, as Helm finds them in its
    /// `charts/` directory.
    func dependencies(directory: String) async throws(Failure) -> [Dependency] {
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Result { () throws(Failure) in
                        try JSONValue(
                            parsing: try self.string { out, error in self.dependencyList(directory, out, error) })
                    })
            }
        }
        return (try result.get().arrayValue ?? []).map { entry in
            Dependency(
                name: entry["name"]?.stringValue ?? "", version: entry["version"]?.stringValue ?? "",
                repository: entry["repository"]?.stringValue ?? "", status: entry["status"]?.stringValue ?? "")
        }
    }

    private func renderBlocking(
        directory: String, values: String, options: String, includeCRDs: Bool
    ) throws(Failure) -> [RenderedFile] {
        var chart: UInt64 = 0
        try check { error in chartLoad(directory, &chart, error) }
        defer { _ = chartFree(chart, nil) }
        var files: [RenderedFile] = []
        if includeCRDs {
            let crds = try JSONValue(parsing: try string { out, error in chartCRDs(chart, out, error) })
            for crd in crds.arrayValue ?? [] {
                guard let name = crd["filename"]?.stringValue, let text = crd["data"]?.stringValue else { continue }
                files.append(RenderedFile(name: name, text: text))
            }
        }
        let rendered = try JSONValue(
            parsing: try string { out, error in renderChart(chart, values, options, out, error) })
        for (name, text) in rendered.objectValue ?? JSONObject() {
            files.append(RenderedFile(name: name, text: text.stringValue ?? ""))
        }
        return files
    }

    /// Calls a function that reports failure through an error string.
    private func check(_ call: (Out) -> Int32) throws(Failure) {
        var error: UnsafeMutablePointer<CChar>?
        let code = call(&error)
        let message = take(error)
        guard code == 0 else { throw Failure(code: code, message: message ?? "helm-c error \(code)") }
    }

    /// Calls a function that returns a string it allocated, and frees it.
    private func string(_ call: (Out, Out) -> Int32) throws(Failure) -> String {
        var output: UnsafeMutablePointer<CChar>?
        try check { error in call(&output, error) }
        return take(output) ?? ""
    }

    private func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { freeString(pointer) }
        return String(cString: pointer)
    }
}

extension JSONValue {
    /// Parses JSON text from the Helm library, reporting a parse failure as a library failure.
    fileprivate init(parsing text: String) throws(HelmLibrary.Failure) {
        do {
            try self.init(parsing: Array(text.utf8))
        } catch {
            throw HelmLibrary.Failure(code: -1, message: "the Helm library returned invalid JSON: \(error.reason)")
        }
    }
}
