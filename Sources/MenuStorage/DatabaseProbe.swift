public import Logging

/// Something that can tell whether the database answers, and how the job queue stands.
public protocol DatabaseProbe {
    /// True when the database answered a trivial query. Never throws: failures are logged and reported as false.
    /// - Note: Blocks the calling thread for at most the connect timeout.
    func isReachable(logger: Logger) -> Bool

    /// Files waiting for a worker and the oldest one's wait; nil when it cannot be read (logged).
    func queueStatus(logger: Logger) -> (queued: Int, oldestAge: Duration)?
}

extension DatabaseProbe {
    /// A probe without a queue says nothing about it.
    public func queueStatus(logger: Logger) -> (queued: Int, oldestAge: Duration)? { nil }
}
