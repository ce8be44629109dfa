import Foundation
import JSON
import MenuModel
import MenuStorage

extension MenuEntry {
    /// One item of the restaurant's menu as the menu routes answer it.
    var responseBody: JSONValue {
        let sourceBody: JSONValue =
            source.map {
                .object([
                    ("task_id", .string($0.task.uuidString.lowercased())), ("file", .string($0.fileName)),
                    ("file_index", .int($0.fileIndex)), ("provider", .string($0.provider)),
                    ("bbox", $0.box?.json ?? .null),
                ])
            } ?? .null
        return .object([
            ("item_id", .string(id.uuidString.lowercased())), ("name_ko", .string(item.nameKorean)),
            ("name_en", item.nameEnglish.map(JSONValue.string) ?? .null),
            ("description", item.description.map(JSONValue.string) ?? .null),
            ("category", item.category.map(JSONValue.string) ?? .null), ("prices", .array(item.prices.map(\.json))),
            ("market_price", .bool(item.isMarketPrice)), ("is_set", .bool(item.isSet)),
            ("confidence", .confidence(item.confidence)),
            ("needs_review", .bool(needsReview)),
            ("review_reasons", .array(corrected ? [] : reviewReasons.map { .string($0.rawValue) })),
            ("corrected", .bool(corrected)), ("updated_at", .string(MetricsFormat.utcTimestamp(updatedAt))),
            ("source", sourceBody),
        ])
    }
}
