import Foundation
import JSON
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import Postgres
import Testing

/// Tasks and items read back as the stored types, against a real PostgreSQL.
struct PostgresUploadStoreTests {
    @Test func aFinishedTaskAndItsItemsReadBackAsTyped() throws {
        let schema = try ScratchSchema()
        let connection = try schema.makeMigratedConnection()
        defer {
            connection.close()
            schema.drop()
        }
        let restaurant = try PostgresRestaurantStore(connection: connection).create(name: "족발집").id
        let store = PostgresUploadStore(connection: connection)
        let task = UUID()
        try store.createTask(id: task, restaurant: restaurant, total: 2)
        let item = MenuItem(
            nameKorean: "족발", nameEnglish: "Jokbal", category: "요리",
            prices: [MenuPrice(label: "소", amount: 32000), MenuPrice(label: "대", amount: 39000)], confidence: 0.875)
        // Written in one statement as JSON: quotes, backslashes, nulls and a double's last digit must survive.
        let second = MenuItem(
            nameKorean: "\"왕\" 족발\\세트", prices: [MenuPrice(amount: 45000)], isSet: true, confidence: 0.1 + 0.2)
        let result = try #require(
            CanonicalResult(
                json: .object([
                    ("provider", "tesseract"), ("tier", 3), ("confidence", .double(0.875)),
                    ("menu_items", .array([item.json, second.json])),
                ])))
        let outcomes = [
            FileOutcome(
                index: 0, fileName: "menu.jpg", cached: false, processingTime: .milliseconds(12), result: result,
                resultHash: result.hash, items: [item, second]),
            FileOutcome(
                index: 1, fileName: "broken.jpg", cached: false, processingTime: .zero, items: [],
                errorCode: .invalidImage, errorMessage: "The image cannot be decoded"),
        ]
        let menu = PostgresMenuStore(connection: connection)
        let plan = try menu.plan(of: outcomes, restaurant: restaurant, minimumConfidence: 0.6)
        #expect(try store.finishTask(id: task, restaurant: restaurant, outcomes: outcomes, plan: plan) == .completed)

        let stored = try #require(try store.task(task))
        #expect(stored.restaurant == restaurant)
        #expect(stored.status == .completed)
        #expect(stored.total == 2)
        #expect(stored.successful == 1)
        #expect(stored.failed == 1)
        let files: [String?] = stored.results.map { $0["file"]?.stringValue }
        #expect(files == ["menu.jpg", "broken.jpg"])
        #expect(try store.task(UUID()) == nil)

        // The items became the restaurant's menu: by category, then name (no category last).
        let page = try menu.menu(of: restaurant, filter: .init(), limit: 10, offset: 0)
        #expect(page.total == 2)
        #expect(page.entries.map(\.item.nameKorean) == ["족발", second.nameKorean])
        #expect(page.entries.map(\.id) == plan.itemIDs[0])
        let read = try #require(page.entries.first)
        #expect(read.item.nameEnglish == "Jokbal")
        #expect(read.item.category == "요리")
        #expect(read.item.prices == item.prices)
        #expect(read.source?.task == task)
        #expect(read.source?.fileIndex == 0)
        #expect(read.source?.provider == "tesseract")
        #expect(read.revision == 1)
        #expect(!read.needsReview)
        #expect(abs(read.updatedAt.timeIntervalSinceNow) < 600)
        let readSecond = try #require(page.entries.last)
        #expect(readSecond.item.nameEnglish == nil)
        #expect(readSecond.item.category == nil)
        #expect(readSecond.item.prices == [MenuPrice(amount: 45000)])
        #expect(readSecond.item.isSet)
        // The entry's confidence is rounded as the wire gives it; the reading keeps every digit through the JSON.
        #expect(readSecond.item.confidence == 0.3)
        let readingConfidence = try connection.query(
            "SELECT confidence FROM menu_items WHERE name_ko = \(second.nameKorean)"
        ).first?.decode(Double.self, column: "confidence")
        #expect(readingConfidence == 0.1 + 0.2)
        #expect(readSecond.reviewReasons == [.lowConfidence])
        #expect(readSecond.needsReview)
        // A page past the end still says how many there are.
        #expect(try menu.menu(of: restaurant, filter: .init(), limit: 10, offset: 5).total == 2)
        // The readings name their entries.
        #expect(
            try connection.query("SELECT count(*) AS n FROM menu_items WHERE entry_id IS NOT NULL").first?.decode(
                Int.self, column: "n") == 2)
    }
}
