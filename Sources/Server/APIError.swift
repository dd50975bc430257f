import Hummingbird
import MoorCore
import NIOCore

/// An API request that failed, answered as `{"error": {"code", "reason", "message"}}` with a
/// message that says what to do. Never holds a token or a Secret value.
struct APIError: HTTPResponseError, CustomStringConvertible {
    /// The HTTP status.
    let status: HTTPResponse.Status
    /// What went wrong and what to do.
    let message: String

    /// 400: the request is malformed or names something that does not exist.
    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }
    /// 401: no token, or one that is not known.
    static func unauthorized(_ message: String) -> APIError { APIError(status: .unauthorized, message: message) }
    /// 403: the token's role may not do this.
    static func forbidden(_ message: String) -> APIError { APIError(status: .forbidden, message: message) }
    /// 404: no such application (or not one the token may see).
    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, message: message) }
    /// 408: the request body did not arrive in time.
    static func requestTimeout(_ message: String) -> APIError {
        APIError(status: .requestTimeout, message: message)
    }
    /// 413: the request body is over the limit.
    static func contentTooLarge(_ message: String) -> APIError {
        APIError(status: .contentTooLarge, message: message)
    }
    /// 502: Git or the destination cluster failed.
    static func badGateway(_ message: String) -> APIError { APIError(status: .badGateway, message: message) }

    /// 404 for an application that does not exist or that the caller may not see (the same answer,
    /// so a token cannot find out which names exist outside its globs).
    static func noApplication(_ name: String) -> APIError {
        .notFound("no application \"\(name)\": list them with GET /api/v1/applications")
    }

    /// The status and message.
    var description: String { "\(status.code) \(message)" }

    /// The machine-readable reason: the status phrase without spaces (`NotFound`, `Forbidden`).
    var reason: String {
        status.reasonPhrase.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The JSON body.
    var json: JSONValue {
        ["error": ["code": .int(status.code), "reason": .string(reason), "message": .string(message)]]
    }

    /// The JSON error response (with `WWW-Authenticate: Bearer` on 401).
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = APIResponse.json(json, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"moor\"" }
        return response
    }
}

/// JSON responses.
enum APIResponse {
    /// `value` as an `application/json` response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonBytes())))
    }
}
