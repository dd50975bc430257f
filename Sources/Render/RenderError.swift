public import MoorCore

/// Why a render failed: a code for programs, the place in the repository, and a message for people.
///
/// The message says what is wrong and what to do about it. It never contains secret values
/// (values files and rendered objects are not quoted back) and is bounded in length, so it is safe
/// for logs, events and the Application status. Tool output (stderr of `kustomize`, `jsonnet`,
/// `helm`) is included trimmed, with the checkout's absolute path removed.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; stable for programs and metric labels.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidOptions, pathOutsideRepository, notFound, invalidSyntax, invalidObject
            case duplicateObject, limitExceeded, toolUnavailable, toolFailed, timedOut, io
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The render options (the Application's `source`) are malformed or unsupported.
        public static let invalidOptions = Code(.invalidOptions)
        /// A path leaves the checkout: `..`, an absolute path, or a symlink pointing outside.
        public static let pathOutsideRepository = Code(.pathOutsideRepository)
        /// A path that the options or a kustomization name does not exist.
        public static let notFound = Code(.notFound)
        /// A file or tool output is not valid YAML or JSON.
        public static let invalidSyntax = Code(.invalidSyntax)
        /// A manifest is not a valid Kubernetes object (missing kind, bad name, …).
        public static let invalidObject = Code(.invalidObject)
        /// Two manifests define the same object (group, kind, namespace, name).
        public static let duplicateObject = Code(.duplicateObject)
        /// A file, the tool output or the number of objects is larger than allowed.
        public static let limitExceeded = Code(.limitExceeded)
        /// The tool a source type needs (`kustomize`, `jsonnet`, Helm) is not installed.
        public static let toolUnavailable = Code(.toolUnavailable)
        /// The tool ran and failed (a template error, a bad kustomization, a schema violation, …).
        public static let toolFailed = Code(.toolFailed)
        /// The tool did not finish within the configured time and was killed.
        public static let timedOut = Code(.timedOut)
        /// A file could not be read or written for a reason other than the above.
        public static let io = Code(.io)

        /// The code's name, e.g. `duplicateObject`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The file and line the failure is about, relative to the checkout; `nil` when it is about
    /// the options rather than a file.
    public let location: SourceLocation?
    /// What is wrong and what to do, without the location.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, at location: SourceLocation? = nil, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// `file:line: message`, or just the message when there is no location.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}
