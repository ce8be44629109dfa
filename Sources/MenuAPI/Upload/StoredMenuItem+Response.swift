import Foundation
import JSON
import MenuModel
import MenuStorage

extension StoredMenuItem {
    /// One entry of `GET .../menus`' `items`.
    var responseBody: JSONValue {
        .object([
            ("id", .int(id)), ("name_ko", .string(nameKorean)), ("name_en", nameEnglish.map(JSONValue.string) ?? .null),
            ("description", description.map(JSONValue.string) ?? .null),
            ("category", category.map(JSONValue.string) ?? .null), ("prices", .array(prices.map(\.json))),
            ("market_price", .bool(isMarketPrice)), ("is_set", .bool(isSet)), ("confidence", .double(confidence)),
            ("provider", .string(provider)), ("task_id", .string(taskID.uuidString.lowercased())),
            ("file_index", .int(fileIndex)), ("created_at", .string(MetricsFormat.utcTimestamp(createdAt))),
        ])
    }
}
