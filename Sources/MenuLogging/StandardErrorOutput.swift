import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole log lines to stderr (journald under systemd), one `write(2)` per line where the kernel allows.
///
/// A lock keeps lines from different threads whole: a pipe writes at most `PIPE_BUF` bytes atomically, and a long
/// line (an error's description) may be more.
public enum StandardErrorOutput {
    private static let lock = Mutex<Void>(())

    /// Writes `line` to fd 2, retrying partial writes and `EINTR`; a line that cannot be written is dropped, since
    /// there is nowhere left to say so. The corresponding C function is `write`.
    /// - Note: Blocks the calling thread until the line is written (a full pipe: journald behind).
    public static func write(_ line: [UInt8]) {
        lock.withLock { _ in
            line.withUnsafeBytes { buffer in
                guard var pointer = buffer.baseAddress else { return }
                var left = buffer.count
                while left > 0 {
                    #if canImport(Glibc)
                        let written = Glibc.write(2, pointer, left)
                    #else
                        let written = Darwin.write(2, pointer, left)
                    #endif
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    pointer += written
                    left -= written
                }
            }
        }
    }
}
