/// Why a `multipart/form-data` request could not be decoded.
///
/// `description` and `message` are safe to show to the client: they name the boundary, the part number and the
/// header at fault, never the part's data.
public struct MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a bounded label (usable as an API error code and a metric value).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidContentType = "invalid_content_type"
            case missingBoundary = "missing_boundary"
            case invalidBoundary = "invalid_boundary"
            case malformedMultipart = "malformed_multipart"
            case tooManyParts = "too_many_parts"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The Content-Type is not `multipart/form-data`, or its parameters cannot be parsed.
        public static let invalidContentType = Code(.invalidContentType)
        /// The Content-Type has no `boundary` parameter.
        public static let missingBoundary = Code(.missingBoundary)
        /// The boundary is empty, longer than 70 characters, or has a character RFC 2046 §5.1.1 does not allow.
        public static let invalidBoundary = Code(.invalidBoundary)
        /// The body does not follow RFC 7578 / RFC 2046: a missing delimiter, a bad header, a part without a name.
        public static let malformedMultipart = Code(.malformedMultipart)
        /// The body has more parts than the caller allows.
        public static let tooManyParts = Code(.tooManyParts)

        /// The snake-case label, e.g. `malformed_multipart`.
        public var description: String { base.rawValue }
    }

    /// The bounded error label.
    public var code: Code
    /// A sentence a curl user can act on, e.g. "The multipart body has no closing boundary '--X--'".
    public var message: String

    /// - Parameters: the label and the client-facing sentence.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
