/// Why an OCR tier failed on an image: a bounded label that clients, metrics and fallback rules see (its
/// ``rawValue`` is the wire form, `timeout`, `invalid_image`, ...). Compared as a type, never as a string.
public struct OCRFailureReason: Sendable, Hashable, CustomStringConvertible {
    /// The wire form.
    public let rawValue: String

    private init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// The tier has no credentials or endpoint configured.
    public static let notConfigured = OCRFailureReason("not_configured")
    /// The deadline passed, or no time was left for the tier.
    public static let timeout = OCRFailureReason("timeout")
    /// The bytes are no image the service reads (``ImageError/Code/invalidImage``).
    public static let invalidImage = OCRFailureReason("invalid_image")
    /// The image has more pixels than allowed (``ImageError/Code/imageTooLarge``).
    public static let imageTooLarge = OCRFailureReason("image_too_large")
    /// The image's short side is under the minimum (``ImageError/Code/imageTooSmall``).
    public static let imageTooSmall = OCRFailureReason("image_too_small")
    /// The local engine failed for another reason than the deadline.
    public static let ocrFailed = OCRFailureReason("ocr_failed")
    /// The provider answered, but not in its documented shape.
    public static let invalidOutput = OCRFailureReason("invalid_output")
    /// The provider could not read the image.
    public static let unreadable = OCRFailureReason("unreadable")
    /// The model refused to read the image.
    public static let refusal = OCRFailureReason("refusal")
    /// The model's answer hit the token limit.
    public static let truncated = OCRFailureReason("truncated")
    /// The provider's content filter withheld the answer.
    public static let contentFilter = OCRFailureReason("content_filter")
    /// The provider said the request was malformed.
    public static let badRequest = OCRFailureReason("bad_request")
    /// The credentials were refused.
    public static let unauthorized = OCRFailureReason("unauthorized")
    /// The credentials are not allowed this request.
    public static let forbidden = OCRFailureReason("forbidden")
    /// The endpoint or model does not exist.
    public static let notFound = OCRFailureReason("not_found")
    /// Too many requests, still so after the retries.
    public static let rateLimited = OCRFailureReason("rate_limited")
    /// The account's quota is spent.
    public static let quotaExceeded = OCRFailureReason("quota_exceeded")
    /// The provider failed on its side (5xx), still so after the retries.
    public static let serverError = OCRFailureReason("server_error")
    /// The connection could not be made or broke.
    public static let connection = OCRFailureReason("connection")
    /// TLS failed (certificate, handshake).
    public static let tls = OCRFailureReason("tls")
    /// The answer was larger than the client accepts.
    public static let responseTooLarge = OCRFailureReason("response_too_large")

    /// The tier was skipped without a call: its circuit breaker is open after consecutive failures.
    public static let providerUnavailable = OCRFailureReason("provider_unavailable")
    /// The tier was skipped without a call: the OpenAI budget of the day or the month is spent.
    public static let budgetExhausted = OCRFailureReason("budget_exhausted")

    /// True for failures that say the provider itself is unwell (its deadline passed, the connection failed, it
    /// answered 5xx or 429): what a circuit breaker counts. A bad image, a refusal, an unusable answer or bad
    /// credentials say nothing about the provider's health, and another call would not fail faster for them.
    public var meansProviderUnwell: Bool {
        switch self {
        case .timeout, .connection, .tls, .serverError, .rateLimited, .quotaExceeded: true
        default: false
        }
    }

    /// Another HTTP status the provider answered with (`http_418`).
    public static func httpStatus(_ status: Int) -> OCRFailureReason { OCRFailureReason("http_\(status)") }

    /// The reason an image error gives a tier.
    public init(_ code: ImageError.Code) {
        switch code {
        case .invalidImage: self = .invalidImage
        case .imageTooLarge, .tooManyPages: self = .imageTooLarge
        case .imageTooSmall: self = .imageTooSmall
        }
    }
}
