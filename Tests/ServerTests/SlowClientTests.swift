import Foundation
import Hummingbird
import MoorTestSupport
import NIOCore
import Testing

@testable import Server

#if canImport(Glibc)
    import Glibc
#endif

/// Clients that send half a request, or nothing, or trickle a body, cannot hold the server: idle
/// connections are closed, connections are capped, and a body that does not arrive in time is 408.
@Suite("Slow clients")
struct SlowClientTests {
    /// A plain TCP connection to the server, read without blocking.
    final class RawConnection {
        let socket: Int32
        private(set) var received: [UInt8] = []

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        }

        deinit { close(socket) }

        func send(_ text: String) {
            _ = Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        /// Reads what has arrived; whether the server closed the connection.
        func closedByServer() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count > 0 {
                    received += buffer[0..<count]
                    continue
                }
                return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            }
        }
    }

    @Test("half-sent requests are disconnected after the idle timeout, so /healthz answers beyond the connection cap")
    func halfRequests() async throws {
        let configuration = MoorServer.Configuration(port: 0, idleTimeout: .seconds(1), maxConnections: 3)
        let server = try await MoorServer.standby(lease: "moor/lease", configuration: configuration).start()
        let slow = try (0..<3).map { _ in try RawConnection(port: server.port) }
        slow[0].send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow[1].send("\u{16}\u{03}\u{01}")
        // slow[2] sends nothing at all.
        let probe = try RawConnection(port: server.port)
        probe.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let answered = try await Patience.waitUntil(every: .milliseconds(50)) { probe.closedByServer() }
        let slowClosed = try await Patience.waitUntil(every: .milliseconds(50)) {
            slow.allSatisfy { $0.closedByServer() }
        }
        await server.stop()
        #expect(answered)
        #expect(String(decoding: probe.received, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(slowClosed, "every half-sent or silent connection is closed by the server")
    }

    /// A body that sends its first bytes and then nothing.
    struct StalledBody: AsyncSequence, Sendable {
        struct AsyncIterator: AsyncIteratorProtocol {
            var sent = false
            mutating func next() async throws -> ByteBuffer? {
                guard sent else {
                    sent = true
                    return ByteBuffer(string: "{\"prune\":")
                }
                try await Task.sleep(for: .seconds(3600))
                return nil
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
    }

    @Test("a body that stops arriving times out; one over the limit is too large; one in time is read")
    func bodies() async throws {
        let stalled = RequestBody(asyncSequence: StalledBody())
        #expect(await RequestBodyReader.collect(stalled, upTo: 1024, within: .milliseconds(200)) == .failure(.timedOut))
        let large = RequestBody(buffer: ByteBuffer(string: String(repeating: "x", count: 2048)))
        #expect(await RequestBodyReader.collect(large, upTo: 1024, within: .seconds(30)) == .failure(.tooLarge))
        let small = RequestBody(buffer: ByteBuffer(string: "{}"))
        #expect(
            await RequestBodyReader.collect(small, upTo: 1024, within: .seconds(30))
                == .success(ByteBuffer(string: "{}")))
    }
}
