public import Foundation
public import JSON
public import MenuModel
public import OCR

/// What became of one file.
public struct FileOutcome: Sendable {
    public var index: Int
    public var fileName: String
    /// The page of the PDF the file was rendered from (1-based); nil for an image.
    public var page: Int?
    public var imageSHA256: [UInt8]?
    public var cached: Bool
    public var processingTime: Duration
    /// The canonical result (what the cache stores and `result_hash` digests); nil for a failed file.
    public var result: CanonicalResult?
    public var resultHash: String?
    public var items: [MenuItem]
    /// Why the file failed; nil on success.
    public var errorCode: FileErrorCode?
    public var errorMessage: String?
    /// The tiers' run; nil for cache hits and files refused before OCR.
    public var routed: RoutedOCRResult?
    /// The id of each item's entry in the restaurant's menu, in the items' order, once merged (``MenuMergePlan``);
    /// empty before.
    public var itemIDs: [UUID] = []

    package init(
        index: Int, fileName: String, page: Int? = nil, imageSHA256: [UInt8]? = nil, cached: Bool,
        processingTime: Duration,
        result: CanonicalResult? = nil, resultHash: String? = nil, items: [MenuItem], errorCode: FileErrorCode? = nil,
        errorMessage: String? = nil, routed: RoutedOCRResult? = nil
    ) {
        self.index = index
        self.fileName = fileName
        self.imageSHA256 = imageSHA256
        self.cached = cached
        self.processingTime = processingTime
        self.result = result
        self.resultHash = resultHash
        self.items = items
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.routed = routed
        self.page = page
    }

    public var isSuccess: Bool { errorCode == nil }

    /// The items as the answer lists them, each with its `item_id` once merged.
    private var itemsJSON: [JSONValue] {
        items.enumerated().map { index, item in
            item.json(itemID: index < itemIDs.count ? itemIDs[index].uuidString.lowercased() : nil)
        }
    }

    /// The file's entry in the upload response.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("file", .string(fileName)), ("status", isSuccess ? "success" : "failed"),
        ]
        if let page { members.insert(("page", .int(page)), at: 1) }
        if let result, isSuccess {
            members += [
                ("provider", .string(result.provider)), ("menu_count", .int(items.count)),
                ("confidence", .confidence(result.confidence)),
                ("fallback_triggered", .bool(result.fallbackTriggered)),
                ("fallback_reason", result.fallbackReason.map(JSONValue.string) ?? .null),
                ("processing_time_ms", .int(processingTime.milliseconds)),
                ("result_hash", resultHash.map(JSONValue.string) ?? .null), ("cached", .bool(cached)),
                ("menu_items", .array(itemsJSON)), ("tier", .int(result.tier)),
                ("meets_confidence_bar", .bool(result.meetsConfidenceBar)),
                ("has_handwriting", .bool(result.hasHandwriting)),
                ("fallback_codes", .array(result.fallbackCodes.map { .string($0.rawValue) })),
                ("price_error_count", .int(result.priceErrorCount)),
            ]
        } else {
            members += [
                (
                    "error",
                    .object([
                        ("code", .string(errorCode?.rawValue ?? "error")), ("message", .string(errorMessage ?? "")),
                    ])
                ),
                ("processing_time_ms", .int(processingTime.milliseconds)), ("cached", false),
            ]
        }
        if let routed {
            members.append(("attempts", .array(routed.attempts.map(\.json))))
        }
        return .object(members)
    }
}
