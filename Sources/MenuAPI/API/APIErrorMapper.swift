import Logging
import MenuModel
import MenuStorage
import Postgres

/// Turns any error a handler or middleware throws into the ``APIError`` the client gets: the one place that
/// decides between a client error, a retryable 503 and a 500.
///
/// - An ``APIError`` is answered as it is.
/// - Storage unavailable (PostgreSQL unreachable, a broken connection, a refusal that may pass, see
///   `PostgresError.isTransient`, or a `StorageError`) is 503 `storage_unavailable` with `Retry-After`: the client
///   may retry. The cause is logged at `warning`.
/// - Anything else (a row that does not decode, a statement the server always refuses, any other bug) is a 500
///   with a generic body and the request id, never a 503: retrying cannot help. The cause is logged at `error`.
///
/// Details of the cause go to the log only (STYLE §4: `description` is safe, `debugDescription` is not).
public enum APIErrorMapper {
    /// The client-facing error for `error`, logging the cause of every server-side failure.
    /// - Parameters:
    ///   - error: what the handler or middleware threw.
    ///   - request: the request, for the path in the log line.
    ///   - context: the request's context, for its logger and id.
    /// - Returns: the error to answer with.
    public static func apiError(for error: any Error, request: APIRequest, context: RequestContext) -> APIError {
        if let error = error as? APIError { return error }
        let metadata: Logger.Metadata = [
            LogKey.error: "\(String(reflecting: error))", LogKey.path: "\(request.path)",
        ]
        if isStorageUnavailable(error) {
            context.logger.warning("Storage unavailable", metadata: metadata)
            return .storageUnavailable
        }
        context.logger.error("Unexpected error answering request", metadata: metadata)
        return .internalError(requestID: context.requestID)
    }

    /// True when `error` means the database cannot serve now, so that a retry may succeed.
    public static func isStorageUnavailable(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError: error.isTransient
        case is StorageError: true
        default: false
        }
    }
}
