import Foundation
import MenuModel
import MenuStorage
import Testing

@testable import MenuAPI

/// The CSV export's bytes and the checks on people's JSON bodies.
struct MenuCSVTests {
    static func entry(_ name: String, prices: [MenuPrice], category: String? = nil) -> MenuEntry {
        MenuEntry(
            id: UUID(uuidString: "00000000-0000-8000-8000-000000000001") ?? UUID(), restaurant: UUID(),
            item: MenuItem(nameKorean: name, category: category, prices: prices), reviewReasons: [], corrected: false,
            deleted: false, source: nil, revision: 1, updatedAt: Date())
    }

    @Test func aBOMThenOneRowPerPriceQuotedAsRFC4180Says() {
        let bytes = MenuCSV.document([
            Self.entry("족발", prices: [MenuPrice(label: "소", amount: 32000), MenuPrice(label: "대", amount: 39000)]),
            Self.entry("\"왕\", 만두", prices: [], category: "분식"),
            Self.entry("=HYPERLINK(\"x\")", prices: [MenuPrice(amount: 1000)]),
        ])
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "item_id,name_ko,name_en,category,label,amount,market_price,needs_review")
        #expect(lines[1] == "00000000-0000-8000-8000-000000000001,족발,,,소,32000,false,false")
        #expect(lines[2] == "00000000-0000-8000-8000-000000000001,족발,,,대,39000,false,false")
        #expect(lines[3] == "00000000-0000-8000-8000-000000000001,\"\"\"왕\"\", 만두\",,분식,,,false,false")
        // A formula is defused, then quoted for its quotes.
        #expect(lines[4].contains(",\"'=HYPERLINK(\"\"x\"\")\","))
        #expect(lines.count == 6 && lines[5].isEmpty)
    }

    @Test func correctionsAreCheckedFieldByField() throws {
        let change = try MenuItemChange.change(
            from: Array(#"{"name_ko":" 김치찌개 ","prices":[{"label":"중","amount":9000}],"category":null}"#.utf8))
        #expect(change.nameKorean == "김치찌개")
        #expect(change.prices == [MenuPrice(label: "중", amount: 9000)])
        #expect(change.clears == ["category"])
        for (body, field) in [
            (#"{}"#, "body"), (#"[1]"#, "body"), (#"{"prices":[{"amount":-5}]}"#, "prices[0].amount"),
            (#"{"prices":[{"amount":1.5}]}"#, "prices[0].amount"),
            (#"{"prices":[{"label":"아주아주아주아주아주아주아주아주아주아주긴라벨","amount":100}]}"#, "prices[0].label"),
            (#"{"name_ko":""}"#, "name_ko"), (#"{"market_price":"yes"}"#, "market_price"), (#"{"x":1}"#, "x"),
            (#"{"name_ko":"a","name_ko":"b"}"#, "name_ko"),
        ] {
            #expect(throws: APIError.self, "\(body)") { try MenuItemChange.change(from: Array(body.utf8)) }
            do {
                _ = try MenuItemChange.change(from: Array(body.utf8))
            } catch {
                #expect(error.message.hasPrefix(field), "\(body): \(error.message)")
            }
        }
        #expect(throws: APIError.self) { try MenuItemChange.item(from: Array(#"{"category":"국"}"#.utf8)) }
        let item = try MenuItemChange.item(from: Array(#"{"name_ko":"계란말이","market_price":true}"#.utf8))
        #expect(item.nameKorean == "계란말이" && item.isMarketPrice && item.confidence == 1)
    }

    @Test func controlCharactersInAPriceLabelAreDroppedAsInNames() throws {
        // A NUL reached PostgreSQL's jsonb, which refused it: a 500 (issue 15, found probing the OpenAPI contract).
        let change = try MenuItemChange.change(
            from: Array(#"{"name_ko":"김\u0000밥","prices":[{"label":"\u0000대\u0007","amount":5000}]}"#.utf8))
        #expect(change.nameKorean == "김밥")
        #expect(change.prices == [MenuPrice(label: "대", amount: 5000)])
        #expect(throws: APIError.self) {
            try MenuItemChange.change(from: Array(#"{"prices":[{"label":"\u0000","amount":5000}]}"#.utf8))
        }
    }
}
