import Foundation
import JSON
import MenuModel
import MenuStorage

extension StoredMenuItem {
    /// One entry of `GET .../menus`' `items`.
    var responseBody: JSONValue {
        .object([
            ("id", .int(id)), ("name_ko", .string(item.nameKorean)),
            ("name_en", item.nameEnglish.map(JSONValue.string) ?? .null),
            ("description", item.description.map(JSONValue.string) ?? .null),
            ("category", item.category.map(JSONValue.string) ?? .null), ("prices", .array(item.prices.map(\.json))),
            ("market_price", .bool(item.isMarketPrice)), ("is_set", .bool(item.isSet)),
            ("confidence", .double(item.confidence)), ("provider", .string(provider)),
            ("task_id", .string(taskID.uuidString.lowercased())), ("file_index", .int(fileIndex)),
            ("created_at", .string(MetricsFormat.utcTimestamp(createdAt))),
        ])
    }
}
