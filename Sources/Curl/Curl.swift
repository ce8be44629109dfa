import CCurl

/// Process-wide libcurl state.
public enum Curl {
    /// Initialises libcurl (TLS and name resolution) for the whole process. Call once from `main` before any
    /// thread uses curl: `curl_global_init` is not thread-safe.
    /// - Throws: `CurlError` with libcurl's text.
    /// The corresponding C function is `curl_global_init`.
    public static func initializeLibrary() throws(CurlError) {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard code == CURLE_OK else {
            throw CurlError(
                operation: "curl_global_init", curlCode: Int32(code.rawValue),
                message: String(cString: curl_easy_strerror(code)))
        }
    }
}

/// A libcurl failure, carrying the operation, the `CURLcode` and libcurl's text.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The curl function that failed.
    public var operation: String
    /// The `CURLcode` value.
    public var curlCode: Int32
    /// libcurl's text for the code.
    public var message: String

    public var description: String { "curl error \(curlCode) in \(operation): \(message)" }
}
