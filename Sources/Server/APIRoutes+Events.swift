import Controller
import Hummingbird
import NIOCore
import ServiceLifecycle

extension APIRoutes {
    /// `GET /api/v1/events`: server-sent events, one `event: application` with the AppSummary as
    /// `data` each time the status of an application `caller` may see changes, and a `: keep-alive`
    /// comment every ``keepAliveInterval``. Ends when the client goes away or the server shuts down.
    func events(for caller: APIToken) -> Response {
        let controller = controller
        let summaries = summaries
        let interval = keepAliveInterval
        let body = ResponseBody { writer in
            let (messages, continuation) = AsyncStream.makeStream(
                of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1000))
            let changes = await controller.statusChanges()
            let feeder = Task {
                for await snapshot in changes where caller.canSee(snapshot.application) {
                    continuation.yield(Self.event(summaries.bytes(of: snapshot)))
                }
                continuation.finish()
            }
            let ticker = Task {
                while (try? await Task.sleep(for: interval)) != nil {
                    continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            defer {
                feeder.cancel()
                ticker.cancel()
            }
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            try await withGracefulShutdownHandler {
                for await message in messages { try await writer.write(message) }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: body)
    }

    /// One `application` event with `summary` (one line of JSON) as its data.
    static func event(_ summary: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: application\ndata: ")
        buffer.writeBytes(summary)
        buffer.writeString("\n\n")
        return buffer
    }
}
