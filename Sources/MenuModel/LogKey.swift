/// Metadata keys for log lines, one prefix for all (STYLE.md §4).
public enum LogKey {
    public static let requestID = "mke.request.id"
    public static let method = "mke.request.method"
    public static let path = "mke.request.path"
    public static let status = "mke.response.status"
    public static let durationMilliseconds = "mke.response.ms"
    public static let error = "mke.error"
    public static let provider = "mke.ocr.provider"
    public static let tier = "mke.tier"
    public static let retryReason = "mke.ocr.retry_reason"
    public static let retryDelayMilliseconds = "mke.ocr.retry_delay_ms"
}
