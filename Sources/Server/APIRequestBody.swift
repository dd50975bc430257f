import Hummingbird
import MoorCore

/// The JSON object body of an API `POST`, every field optional (an empty body is `{}`). Anything
/// else — malformed JSON, not an object, an unknown field, a field of the wrong type — is a 400
/// naming the problem; a body over ``maxBytes`` is a 413, one not read whole within the deadline a 408.
struct APIRequestBody {
    /// The largest body read.
    static let maxBytes = 64 * 1024

    private let fields: JSONObject

    /// Reads the body of `request` within `deadline`, allowing only the fields `allowed` (`example`
    /// shows a valid body).
    static func read(
        _ request: Request, allowed: Set<String>, example: String, within deadline: Duration
    ) async throws(APIError) -> APIRequestBody {
        let bytes: ByteBuffer
        switch await RequestBodyReader.collect(request.body, upTo: maxBytes, within: deadline) {
        case .success(let body): bytes = body
        case .failure(.tooLarge):
            throw APIError.contentTooLarge("the request body is larger than \(maxBytes) bytes; send e.g. \(example)")
        case .failure(.timedOut):
            throw APIError.requestTimeout("the request body did not arrive within \(deadline); send it whole")
        case .failure(.unreadable(let reason)):
            throw APIError.badRequest("the request body could not be read (\(reason)); send e.g. \(example)")
        }
        guard bytes.readableBytes > 0 else { return APIRequestBody(fields: JSONObject()) }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes.readableBytesView)
        } catch {
            throw APIError.badRequest("the request body is not valid JSON (\(error)); send e.g. \(example)")
        }
        guard let fields = value.objectValue else {
            throw APIError.badRequest("the request body must be a JSON object, e.g. \(example)")
        }
        if let unknown = fields.keys.first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest(
                "unknown field \"\(unknown)\" in the request body; allowed: \(allowed.sorted().joined(separator: ", "))"
            )
        }
        return APIRequestBody(fields: fields)
    }

    /// The boolean `key`; `nil` when absent or `null`.
    func bool(_ key: String) throws(APIError) -> Bool? {
        try field(key, type: "true or false", \.boolValue)
    }

    /// The string `key`; `nil` when absent or `null`.
    func string(_ key: String) throws(APIError) -> String? {
        try field(key, type: "a string", \.stringValue)
    }

    /// The integer `key`; `nil` when absent or `null`.
    func int(_ key: String) throws(APIError) -> Int? {
        try field(key, type: "an integer", \.intValue)
    }

    private func field<T>(_ key: String, type: String, _ read: (JSONValue) -> T?) throws(APIError) -> T? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let typed = read(value) else { throw APIError.badRequest("field \"\(key)\" must be \(type)") }
        return typed
    }
}
