public import Logging

/// Something that can tell whether the database answers.
public protocol DatabaseProbe {
    /// True when the database answered a trivial query. Never throws: failures are logged and reported as false.
    /// - Note: Blocks the calling thread for at most the connect timeout.
    func isReachable(logger: Logger) -> Bool
}
