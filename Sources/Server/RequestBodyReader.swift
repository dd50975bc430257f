import Hummingbird
import NIOCore

/// Reads a request body whole, bounded in size and in time, so a client that sends more than
/// allowed or trickles its body cannot hold a request (and its memory) open.
enum RequestBodyReader {
    /// Why a body could not be read.
    enum Failure: Error, Equatable {
        /// The body is over the size limit (answered 413).
        case tooLarge
        /// The body did not arrive whole within the deadline (answered 408).
        case timedOut
        /// The connection failed while the body was read; the error's description.
        case unreadable(String)
    }

    /// The body of `request`, at most `maxBytes`, read within `deadline`.
    static func collect(
        _ body: RequestBody, upTo maxBytes: Int, within deadline: Duration
    ) async -> Result<ByteBuffer, Failure> {
        await withTaskGroup(of: Result<ByteBuffer, Failure>.self) { group in
            group.addTask {
                do {
                    return .success(try await body.collect(upTo: maxBytes))
                } catch is NIOTooManyBytesError {
                    return .failure(.tooLarge)
                } catch {
                    return .failure(.unreadable("\(error)"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return .failure(.timedOut)
            }
            let first = await group.next() ?? .failure(.timedOut)
            group.cancelAll()
            return first
        }
    }
}
