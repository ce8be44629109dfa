import Foundation
import MenuModel
import MenuStorage

/// `GET .../menus?format=csv`: the menu for a spreadsheet.
///
/// UTF-8 with a byte-order mark (without it Excel reads Korean as mojibake), CRLF line ends and RFC 4180 quoting;
/// one row per price (an item without prices has one row with the price cells empty). A cell that a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`, as OWASP advises for CSV
/// exports: a dish name must never become a formula on the restaurant's computer.
enum MenuCSV {
    static let header = [
        "item_id", "name_ko", "name_en", "category", "label", "amount", "market_price", "needs_review",
    ]

    static func document(_ entries: [MenuEntry]) -> [UInt8] {
        var lines = [row(header)]
        for entry in entries {
            let common = [
                entry.id.uuidString.lowercased(), entry.item.nameKorean, entry.item.nameEnglish ?? "",
                entry.item.category ?? "",
            ]
            let flags = [entry.item.isMarketPrice ? "true" : "false", entry.needsReview ? "true" : "false"]
            if entry.item.prices.isEmpty {
                lines.append(row(common + ["", ""] + flags))
            }
            for price in entry.item.prices {
                lines.append(row(common + [price.label ?? "", String(price.amount)] + flags))
            }
        }
        return [0xEF, 0xBB, 0xBF] + Array(lines.joined().utf8)
    }

    private static func row(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    private static func cell(_ raw: String) -> String {
        var text = raw
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
