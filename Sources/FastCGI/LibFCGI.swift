import CFastCGI
import Glibc

// The one file that calls libfcgi (STYLE.md W5): every FCGX_* call of the module is below, where it can be audited.

/// Process-wide libfcgi state.
enum LibFCGI {
    /// Initialises libfcgi. Must run once, on the main thread, before any worker accepts.
    /// The corresponding C function is `FCGX_Init`.
    static func initialize() -> Int32 { FCGX_Init() }

    /// Creates, binds and listens on a socket: a unix path, or `host:port`.
    /// The corresponding C function is `FCGX_OpenSocket`; it returns the descriptor or -1.
    static func openSocket(_ path: String, backlog: Int32) -> Int32 { FCGX_OpenSocket(path, backlog) }
}

/// Owns one `FCGX_Request`: its memory (a stable address, since libfcgi keeps pointers into it between calls) and
/// its streams. Confined to the worker thread that created it.
final class FastCGIRequestHandle {
    private let request: UnsafeMutablePointer<FCGX_Request>

    /// - Throws: `FastCGIError.initRequest` when libfcgi refuses the descriptor.
    /// The corresponding C function is `FCGX_InitRequest`.
    init(listeningDescriptor: Int32) throws(FastCGIError) {
        request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        // FAIL_ACCEPT_ON_INTR: a signal sent at shutdown must interrupt accept() instead of being retried.
        let status = FCGX_InitRequest(request, listeningDescriptor, Int32(FCGI_FAIL_ACCEPT_ON_INTR))
        guard status == 0 else {
            request.deallocate()
            throw FastCGIError(.initRequest, operation: "FCGX_InitRequest", cCode: status)
        }
    }

    deinit {
        // Frees the streams and parameters and closes a kept connection.
        FCGX_Free(request, 1)
        request.deallocate()
    }

    /// Waits for the next request: on the kept connection if there is one, else by accepting a new one.
    /// - Returns: 0, or a negative errno / libfcgi status.
    /// - Note: Blocks the calling thread until a request arrives or a signal interrupts the wait.
    /// The corresponding C function is `FCGX_Accept_r`.
    func accept() -> Int32 { FCGX_Accept_r(request) }

    /// Flushes the response and ends the request. The corresponding C function is `FCGX_Finish_r`.
    func finish() { FCGX_Finish_r(request) }

    /// The request's parameters (`REQUEST_METHOD`, `HTTP_*`, ...) in the order the web server sent them, copied
    /// into Swift strings. A list, not a dictionary: most are read once, and hashing ~25 names per request showed
    /// up in profiles.
    func parameters() -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        result.reserveCapacity(32)
        guard var cursor = request.pointee.envp else { return result }
        while let entry = cursor.pointee {
            // Each entry is "NAME=value"; names never contain '='. Both halves are decoded straight from the C
            // buffer, without an intermediate copy of the whole pair.
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let pair = UnsafeBufferPointer(start: bytes, count: length)
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    result.append(
                        (
                            String(decoding: UnsafeBufferPointer(rebasing: pair[..<equals]), as: UTF8.self),
                            String(decoding: UnsafeBufferPointer(rebasing: pair[(equals + 1)...]), as: UTF8.self)
                        ))
                }
            }
            cursor += 1
        }
        return result
    }

    /// Reads up to `count` body bytes into `buffer`.
    /// - Returns: the number of bytes read; fewer than asked only at the end of the stream.
    /// - Note: Blocks the calling thread until the bytes arrive.
    /// The corresponding C function is `FCGX_GetStr`.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        return Int(
            FCGX_GetStr(base.assumingMemoryBound(to: CChar.self), Int32(clamping: buffer.count), request.pointee.in))
    }

    /// Writes `bytes` to the response stream.
    /// - Returns: nil on success, else the stream's error code.
    /// - Note: Blocks the calling thread while the web server's socket is full.
    /// The corresponding C functions are `FCGX_PutStr` and `FCGX_GetError`.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        let stream = request.pointee.out
        let written = FCGX_PutStr(base.assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count), stream)
        guard written == Int32(bytes.count) else { return FCGX_GetError(stream) }
        return nil
    }
}
