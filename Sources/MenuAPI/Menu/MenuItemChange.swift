import Foundation
import JSON
import MenuModel
import MenuStorage

/// A person's JSON body for `PATCH` and `POST` on menu items, checked as extraction checks its readings: names not
/// empty, amounts positive and at most 1,000,000 won, labels short; every refusal names its field.
enum MenuItemChange {
    /// The fields a body may hold.
    static let fields: Set<String> = ["name_ko", "name_en", "category", "description", "prices", "market_price"]

    /// A `PATCH` body: any of the fields, at least one.
    static func change(from body: [UInt8]) throws(APIError) -> PostgresMenuStore.Change {
        let members = try object(body)
        guard !members.isEmpty else {
            throw invalid("body", "Give at least one of \(fields.sorted().joined(separator: ", "))")
        }
        var change = PostgresMenuStore.Change()
        for (field, value) in members {
            switch field {
            case "name_ko": change.nameKorean = try koreanName(value)
            case "name_en", "category", "description":
                if case .null = value {
                    change.clears.insert(field)
                } else {
                    let text = try text(value, field: field, limit: field == "description" ? 500 : 100)
                    switch field {
                    case "name_en": change.nameEnglish = text
                    case "category": change.category = text
                    default: change.description = text
                    }
                }
            case "prices": change.prices = try prices(value)
            case "market_price":
                guard case .bool(let flag) = value else { throw invalid(field, "must be true or false") }
                change.isMarketPrice = flag
            default:
                throw invalid(field, "is not a field of a menu item (\(fields.sorted().joined(separator: ", ")))")
            }
        }
        return change
    }

    /// A `POST` body: a new item, `name_ko` required.
    static func item(from body: [UInt8]) throws(APIError) -> MenuItem {
        let change = try change(from: body)
        guard let name = change.nameKorean else { throw invalid("name_ko", "is required") }
        return MenuItem(
            nameKorean: name, nameEnglish: change.nameEnglish, description: change.description,
            category: change.category, prices: change.prices ?? [], isMarketPrice: change.isMarketPrice ?? false,
            confidence: 1)
    }

    private static func object(_ body: [UInt8]) throws(APIError) -> [(String, JSONValue)] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw APIError.badRequest(code: "invalid_json", "The body is not JSON: \(error)")
        }
        guard case .object(let members) = value else { throw invalid("body", "must be a JSON object") }
        var seen: Set<String> = []
        for (name, _) in members where !seen.insert(name).inserted {
            throw invalid(name, "is given twice")
        }
        return members
    }

    private static func koreanName(_ value: JSONValue) throws(APIError) -> String {
        let text = try text(value, field: "name_ko", limit: 100)
        guard !MenuItem.dishKey(of: text).isEmpty else { throw invalid("name_ko", "must not be empty") }
        return text
    }

    private static func text(_ value: JSONValue, field: String, limit: Int) throws(APIError) -> String {
        guard case .string(let raw) = value else { throw invalid(field, "must be a string") }
        let text = raw.withoutControlCharacters.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw invalid(field, "must not be empty (null clears it)") }
        guard text.count <= limit else { throw invalid(field, "is longer than \(limit) characters") }
        return text
    }

    private static func prices(_ value: JSONValue) throws(APIError) -> [MenuPrice] {
        guard case .array(let entries) = value, entries.count <= 20 else {
            throw invalid("prices", "must be a list of at most 20 {label, amount}")
        }
        return try entries.enumerated().map { (index, entry) throws(APIError) -> MenuPrice in
            let field = "prices[\(index)]"
            guard case .object(let members) = entry else { throw invalid(field, "must be {\"label\", \"amount\"}") }
            var label: String?
            var amount: Int?
            for (name, member) in members {
                switch (name, member) {
                case ("amount", .int(let value)): amount = value
                case ("label", .null): label = nil
                case ("label", .string(let text)):
                    // Cleaned as names are: PostgreSQL refuses a NUL in jsonb, which was a 500 (issue 15).
                    let trimmed = text.withoutControlCharacters.trimmingCharacters(in: .whitespaces)
                    guard !trimmed.isEmpty, trimmed.count <= 20 else {
                        throw invalid("\(field).label", "must be 1 to 20 characters, or null")
                    }
                    label = trimmed
                case ("amount", _): throw invalid("\(field).amount", "must be a whole number of won")
                case ("label", _): throw invalid("\(field).label", "must be a string or null")
                default: throw invalid("\(field).\(name)", "is not a field of a price (label, amount)")
                }
            }
            guard let amount else { throw invalid("\(field).amount", "is required") }
            guard (1...1_000_000).contains(amount) else {
                throw invalid("\(field).amount", "must be from 1 to 1,000,000 won")
            }
            return MenuPrice(label: label, amount: amount)
        }
    }

    private static func invalid(_ field: String, _ message: String) -> APIError {
        APIError.badRequest(code: "invalid_field", "\(field) \(message)")
    }
}
