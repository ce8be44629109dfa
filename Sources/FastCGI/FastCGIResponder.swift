/// Answers the requests of one worker thread.
///
/// A responder is made on its worker thread and stays there, so it may own thread-confined resources such as a
/// PostgreSQL connection or a curl handle; it need not be `Sendable`.
public protocol FastCGIResponder {
    /// Answers one request. Errors are the responder's to turn into a response; the exchange ends when this returns.
    func respond(to exchange: borrowing FastCGIExchange)
}
