internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// An HTTP server on 127.0.0.1 that records every request it receives and answers each with the next
/// status of a script (200 once the script is used up): a webhook receiver, or a fake Git host API, for
/// tests of outgoing notifications.
package final class HTTPReceiver: Sendable {
    /// One request received.
    package struct Request: Sendable, Hashable {
        /// The method, e.g. `POST`.
        package var method: String
        /// The request target: path and query.
        package var path: String
        /// The headers, names lowercased.
        package var headers: [String: String]
        /// The body.
        package var body: [UInt8]
        /// The status it was answered with.
        package var status: Int

        /// The body as UTF-8 text.
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// What the handlers share: the script and the requests so far.
    final class Log: Sendable {
        private struct State {
            var script: [Int]
            var requests: [Request] = []
        }

        private let state: Mutex<State>

        init(script: [Int]) { state = Mutex(State(script: script)) }

        /// Records a request and returns the status to answer it with.
        func record(method: String, path: String, headers: [String: String], body: [UInt8]) -> Int {
            state.withLock { state in
                let status = state.script.isEmpty ? 200 : state.script.removeFirst()
                state.requests.append(
                    Request(method: method, path: path, headers: headers, body: body, status: status))
                return status
            }
        }

        var requests: [Request] { state.withLock { $0.requests } }
    }

    /// The port it listens on.
    package let port: Int
    private let channel: any Channel
    private let log: Log

    private init(port: Int, channel: any Channel, log: Log) {
        self.port = port
        self.channel = channel
        self.log = log
    }

    /// `http://127.0.0.1:<port>`.
    package var url: String { "http://127.0.0.1:\(port)" }

    /// Starts a receiver on a free port of 127.0.0.1 that answers its first requests with `script`'s statuses
    /// in order, and every later one with 200.
    package static func start(answering script: [Int] = []) async throws -> HTTPReceiver {
        let log = Log(script: script)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return HTTPReceiver(port: channel.localAddress?.port ?? 0, channel: channel, log: log)
    }

    /// The requests received so far, oldest first.
    package func requests() -> [Request] { log.requests }

    /// The requests received once there are at least `count` (waiting up to ``Patience/timeout``); fewer
    /// when they do not arrive in time.
    package func requests(atLeast count: Int) async throws -> [Request] {
        _ = try await Patience.waitUntil(every: .milliseconds(10)) { log.requests.count >= count }
        return log.requests
    }

    /// Stops listening.
    package func stop() async {
        try? await channel.close()
    }
}

/// Reads one request at a time, records it and answers with the script's status and an empty body.
private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let log: HTTPReceiver.Log
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(log: HTTPReceiver.Log) { self.log = log }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let status = log.record(method: head.method.rawValue, path: head.uri, headers: headers, body: body)
            let response = HTTPResponseHead(
                version: head.version, status: HTTPResponseStatus(statusCode: status),
                headers: ["Content-Length": "0"])
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}
