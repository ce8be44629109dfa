public import Logging
import MenuModel
public import MenuStorage
import OCR

extension FileOutcome {
    /// The message of the one line logged per file: `journalctl -u menu-api | grep -E "OCR|Tier|fallback"` finds it.
    static let logMessage = "OCR file done"

    /// The file's OCR line, written once its outcome is known, by the sync and async paths alike (cache hits
    /// included): its index, status, the tier and provider that answered, whether and why it fell back, cached,
    /// confidence, items, time and tokens. No file name (the client's text) and no image bytes.
    func log(to logger: Logger) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            LogKey.file: .stringConvertible(index),
            LogKey.ocrStatus: .string(errorCode?.rawValue ?? "success"),
            LogKey.cached: .stringConvertible(cached),
            LogKey.items: .stringConvertible(items.count),
            LogKey.ocrMilliseconds: .stringConvertible(processingTime.milliseconds),
            // Tokens of every tier asked (a fallback pays for both); a cache hit asks none.
            LogKey.promptTokens: .stringConvertible(routed?.promptTokens ?? 0),
            LogKey.completionTokens: .stringConvertible(routed?.completionTokens ?? 0),
        ]
        if let page { metadata[LogKey.page] = .stringConvertible(page) }
        if let result {
            metadata[LogKey.provider] = .string(result.provider)
            metadata[LogKey.tier] = .stringConvertible(result.tier)
            metadata[LogKey.confidence] = .string(String(result.confidence))
            metadata[LogKey.fallback] = .stringConvertible(result.fallbackTriggered)
            metadata[LogKey.fallbackReason] = .string(result.fallbackCodes.map(\.rawValue).joined(separator: ","))
        } else if let routed {
            // A run that ended without a usable result: the tier that answered last, and why it fell back.
            metadata[LogKey.provider] = .string(routed.result.provider)
            metadata[LogKey.tier] = .stringConvertible(routed.tierIndex + 1)
            metadata[LogKey.fallback] = .stringConvertible(routed.fallbackTriggered)
            metadata[LogKey.fallbackReason] = .string(
                routed.fallbackTriggers.map(\.code.rawValue).joined(separator: ","))
        } else {
            // Refused before any tier (too large, not an image) or no OCR engine: nothing fell back.
            metadata[LogKey.fallback] = .stringConvertible(false)
        }
        logger.info("\(Self.logMessage)", metadata: metadata)
    }
}
