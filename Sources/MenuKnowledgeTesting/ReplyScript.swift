import Foundation

/// Replies in order, then the last one for every further request; thread-safe, as a ``FakeHTTPServer`` handler must
/// be. For exchanges the scripted provider fakes do not offer (`Retry-After` as a date, `x-should-retry`, chunked
/// bodies).
public final class ReplyScript: @unchecked Sendable {
    // Sendable: `replies` is immutable and `next` is only touched under `lock`.
    private let replies: [FakeHTTPReply]
    private let lock = NSLock()
    private var next = 0

    /// - Precondition: at least one reply (a programmer error in the test).
    public init(_ replies: [FakeHTTPReply]) {
        precondition(!replies.isEmpty, "a script needs a reply")
        self.replies = replies
    }

    public func reply(to request: FakeHTTPRequest) -> FakeHTTPReply {
        lock.withLock {
            defer { next += 1 }
            return replies[min(next, replies.count - 1)]
        }
    }
}

/// The value of `body` and how long it took.
public func measured<T>(_ body: () throws -> T) rethrows -> (value: T, elapsed: Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    return (value, start.duration(to: clock.now))
}
