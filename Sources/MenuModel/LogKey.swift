/// Metadata keys for log lines, one prefix for all (STYLE.md §4).
public enum LogKey {
    public static let requestID = "mke.request.id"
    public static let method = "mke.request.method"
    public static let path = "mke.request.path"
    /// The matched route's pattern, `{name}` segments and all (never the raw path).
    public static let route = "mke.request.route"
    public static let status = "mke.response.status"
    public static let durationMilliseconds = "mke.response.ms"
    /// The restaurant a request or a task is for.
    public static let restaurant = "mke.restaurant"
    public static let task = "mke.task"
    /// A file's index in its upload (0-based, as in the task's results).
    public static let file = "mke.file"
    public static let page = "mke.page"
    public static let error = "mke.error"
    public static let provider = "mke.ocr.provider"
    public static let tier = "mke.tier"
    public static let retryReason = "mke.ocr.retry_reason"
    /// A circuit breaker's threshold (consecutive failures) and cool-down, on its open and close lines.
    public static let breakerFailures = "mke.ocr.breaker_failures"
    public static let breakerCooldownSeconds = "mke.ocr.breaker_cooldown_s"
    public static let retryDelayMilliseconds = "mke.ocr.retry_delay_ms"
    /// A file's outcome: `success` or its error code.
    public static let ocrStatus = "mke.ocr.status"
    /// Whether a later tier than the first was asked (`true`/`false`).
    public static let fallback = "mke.ocr.fallback"
    /// The fallback triggers' codes, comma-separated (`low_confidence,handwriting`).
    public static let fallbackReason = "mke.ocr.fallback_reason"
    public static let cached = "mke.ocr.cached"
    public static let confidence = "mke.ocr.confidence"
    public static let items = "mke.ocr.items"
    public static let ocrMilliseconds = "mke.ocr.ms"
    public static let promptTokens = "mke.ocr.prompt_tokens"
    public static let completionTokens = "mke.ocr.completion_tokens"
}
