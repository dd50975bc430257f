internal import Foundation
public import MoorCore

/// An error from the Kubernetes API or from reaching it, built from the API's `Status` object.
///
/// ``description`` says what happened and to which object, and is safe to log: it never holds
/// credentials or request bodies.
public struct KubeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// 404: the object or resource does not exist.
        public static let notFound = Code("NotFound")
        /// 409 on create: an object of that name exists.
        public static let alreadyExists = Code("AlreadyExists")
        /// 409: a resourceVersion or field-manager conflict.
        public static let conflict = Code("Conflict")
        /// 422: the object failed validation; see ``causes``.
        public static let invalid = Code("Invalid")
        /// 403: the credentials may not do this.
        public static let forbidden = Code("Forbidden")
        /// 401: the credentials were not accepted.
        public static let unauthorized = Code("Unauthorized")
        /// 429: the server asks to slow down.
        public static let tooManyRequests = Code("TooManyRequests")
        /// 504 or a server-side timeout.
        public static let timeout = Code("Timeout")
        /// 410: the requested resourceVersion is too old (watch must relist).
        public static let gone = Code("Gone")
        /// 400: the request was malformed.
        public static let badRequest = Code("BadRequest")
        /// 405: the resource does not support this verb.
        public static let methodNotAllowed = Code("MethodNotAllowed")
        /// Any 5xx other than a timeout.
        public static let serverError = Code("InternalError")
        /// The server could not be reached, or the connection broke.
        public static let transport = Code("Transport")
        /// The response could not be understood.
        public static let invalidResponse = Code("InvalidResponse")
        /// The kind is not served by this cluster (discovery does not know it).
        public static let unknownKind = Code("UnknownKind")
    }

    /// One field-level cause from `Status.details.causes`.
    public struct Cause: Sendable, Hashable, CustomStringConvertible {
        /// Machine-readable reason, e.g. `FieldValueRequired` or `FieldManagerConflict`.
        public var reason: String
        /// Human-readable message.
        public var message: String
        /// The field path, e.g. `spec.replicas` or `.spec.template`.
        public var field: String

        /// Creates a cause.
        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }

        public var description: String { field.isEmpty ? message : "\(field): \(message)" }
    }

    /// The kind of failure.
    public var code: Code
    /// HTTP status code; 0 when no response arrived.
    public var status: Int
    /// The server's message (or a transport description).
    public var message: String
    /// Field-level causes.
    public var causes: [Cause]
    /// The object the request was about, when known.
    public var object: ObjectRef?
    /// Seconds the server asked to wait before retrying.
    public var retryAfterSeconds: Int?
    /// The identity the request was sent as, when it was impersonated (see ``KubeClient/impersonating(_:)``).
    public var impersonation: KubeImpersonation?

    /// Creates an error.
    public init(
        code: Code, status: Int, message: String, causes: [Cause] = [], object: ObjectRef? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.code = code
        self.status = status
        self.message = message
        self.causes = causes
        self.object = object
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The field managers named by a server-side apply conflict, e.g. `["kubectl-edit"]`.
    public var conflictingManagers: [String] {
        var managers: [String] = []
        for cause in causes where cause.reason == "FieldManagerConflict" {
            // Message form: conflict with "manager" using apps/v1 (or: conflict with "manager")
            let parts = cause.message.split(separator: "\"", omittingEmptySubsequences: false)
            if parts.count >= 3, !managers.contains(String(parts[1])) { managers.append(String(parts[1])) }
        }
        return managers
    }

    /// Whether every conflicting manager of a server-side apply conflict made its change with an
    /// imperative update (`kubectl edit`, `patch`, `scale`…), which the API reports as
    /// `conflict with "manager" using v1`, rather than with an apply of its own.
    public var conflictsOnlyWithUpdates: Bool {
        let conflicts = causes.filter { $0.reason == "FieldManagerConflict" }
        return code == .conflict && !conflicts.isEmpty && conflicts.allSatisfy { $0.message.contains("\" using ") }
    }

    /// Whether retrying the same request later may succeed (429, 5xx, timeouts, broken connections).
    public var isTransient: Bool {
        switch code {
        case .tooManyRequests, .timeout, .transport: return true
        case .serverError: return status != 501
        default: return false
        }
    }

    public var description: String {
        (object.map { "\($0): " } ?? "") + detail
    }

    /// The description without the object's name in front, for places that show the object already.
    public var detail: String {
        var text = message.isEmpty ? "\(code) (HTTP \(status))" : message
        if !causes.isEmpty, code == .invalid || code == .conflict {
            let listed = causes.map(\.description)
            if !listed.allSatisfy({ message.contains($0) }) { text += " [" + listed.joined(separator: "; ") + "]" }
        }
        switch code {
        case .unauthorized: text += " — the credentials were rejected; check the token or client certificate"
        case .forbidden where impersonation == nil: text += " — grant the user RBAC permission or use another context"
        case .conflict where !conflictingManagers.isEmpty:
            text += " — another field manager (\(conflictingManagers.joined(separator: ", "))) owns these fields;"
            text += " remove them from the manifest or force the apply"
        default: break
        }
        return text
    }

    /// Builds the error for a non-2xx response from its body (a `Status` object when the API sent one).
    static func from(status: Int, body: [UInt8], object: ObjectRef?, retryAfter: Int?) -> KubeAPIError {
        let parsed = try? JSONValue(parsing: body)
        let isStatus = parsed?["kind"]?.stringValue == "Status"
        var message = isStatus ? parsed?["message"]?.stringValue ?? "" : ""
        if message.isEmpty {
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(text)"
        }
        let reason = isStatus ? parsed?["reason"]?.stringValue ?? "" : ""
        let causes = (parsed?[path: "details", "causes"]?.arrayValue ?? []).map {
            Cause(
                reason: $0["reason"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "",
                field: $0["field"]?.stringValue ?? "")
        }
        return KubeAPIError(
            code: code(status: status, reason: reason), status: status, message: message, causes: causes,
            object: object, retryAfterSeconds: retryAfter ?? parsed?[path: "details", "retryAfterSeconds"]?.intValue)
    }

    private static func code(status: Int, reason: String) -> Code {
        switch (status, reason) {
        case (_, "AlreadyExists"): return .alreadyExists
        case (_, "Expired"), (410, _): return .gone
        case (400, _): return .badRequest
        case (401, _): return .unauthorized
        case (403, _): return .forbidden
        case (404, _): return .notFound
        case (405, _): return .methodNotAllowed
        case (409, _): return .conflict
        case (422, _): return .invalid
        case (429, _): return .tooManyRequests
        case (504, _), (_, "Timeout"): return .timeout
        case (500..., _): return .serverError
        default: return .invalidResponse
        }
    }
}
