import Foundation
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import Postgres
import Testing

/// Webhooks and their deliveries against a real PostgreSQL.
struct PostgresWebhookStoreTests {
    @Test func anEndedTaskQueuesOneDeliveryOnlyWhenThereIsAWebhook() throws {
        let fixture = try PostgresJobQueueTests.Fixture()
        defer { fixture.drop() }
        let webhooks = PostgresWebhookStore(connection: fixture.connection)
        let uploads = PostgresUploadStore(connection: fixture.connection)
        let quiet = UUID()
        try uploads.createTask(id: quiet, restaurant: fixture.restaurant, total: 0)
        try uploads.finishTask(id: quiet, restaurant: fixture.restaurant, outcomes: [])
        #expect(try fixture.count("SELECT count(*) FROM webhook_deliveries") == 0)
        #expect(try webhooks.hasSecret(fixture.restaurant) == false)

        let secret = try #require(try webhooks.setWebhook(of: fixture.restaurant, url: "https://example.com/hook"))
        #expect(secret.hasPrefix("whsec_"))
        #expect(try webhooks.setWebhook(of: UUID(), url: "https://example.com/hook") == nil)
        #expect(try webhooks.hasSecret(fixture.restaurant))
        let task = UUID()
        try uploads.createTask(
            id: task, restaurant: fixture.restaurant, total: 1, callbackURL: "https://own.example/cb")
        let failed = FileOutcome(
            index: 0, fileName: "x.jpg", cached: false, processingTime: .zero, items: [], errorCode: .ocrFailed,
            errorMessage: "down")
        #expect(try uploads.finishTask(id: task, restaurant: fixture.restaurant, outcomes: [failed]) == .failed)

        let delivery = try #require(try webhooks.claimDueDelivery(sendTimeout: .seconds(10)))
        #expect(delivery.task == task)
        #expect(delivery.url == "https://own.example/cb", "the upload's own callback_url wins")
        #expect(delivery.event == "task.failed")
        #expect(delivery.attempt == 1)
        #expect(delivery.secret == secret)
        #expect(try webhooks.claimDueDelivery(sendTimeout: .seconds(10)) == nil, "held while it is sent")

        try webhooks.record(
            delivery, httpStatus: 503, duration: .milliseconds(40), error: nil,
            outcome: .retry(after: .milliseconds(200)))
        #expect(try webhooks.claimDueDelivery(sendTimeout: .seconds(10)) == nil, "not due yet")
        usleep(300_000)
        let retry = try #require(try webhooks.claimDueDelivery(sendTimeout: .seconds(10)))
        #expect(retry.attempt == 2)
        try webhooks.record(retry, httpStatus: 204, duration: .milliseconds(30), error: nil, outcome: .sent)
        #expect(try webhooks.counts() == .init(sent: 1, failed: 0, pending: 0, failedAttempts: 1))
        #expect(try fixture.count("SELECT count(*) FROM webhook_attempts") == 2)

        #expect(try webhooks.clearWebhook(of: fixture.restaurant))
        #expect(try webhooks.hasSecret(fixture.restaurant) == false)
    }
}
