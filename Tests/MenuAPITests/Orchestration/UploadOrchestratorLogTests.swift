import Foundation
import Logging
import MenuAPI
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import OCR
import Testing

/// The OCR line: one per file, at info, with the tier, provider, fallback and its codes, cached, confidence, items,
/// time and tokens; cache hits and refused files included.
struct UploadOrchestratorLogTests {
    static let message = "OCR file done"

    @Test func aFallbackRunThenACacheHitEachLogOneLine() throws {
        let first = ScriptedOCRProvider("first", reply: .reading(items: 2, confidence: 0.5))
        let second = ScriptedOCRProvider("second", reply: .reading(items: 3, confidence: 0.9))
        let harness = try OrchestratorHarness(providers: [first, second])
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 140)

        _ = harness.process([file])
        let run = try #require(harness.log.lines(Self.message).only)
        #expect(run.level == .info)
        #expect(run.metadata[LogKey.file]?.description == "0")
        #expect(run.metadata[LogKey.ocrStatus]?.description == "success")
        #expect(run.metadata[LogKey.provider]?.description == "second")
        #expect(run.metadata[LogKey.tier]?.description == "2")
        #expect(run.metadata[LogKey.fallback]?.description == "true")
        #expect(run.metadata[LogKey.fallbackReason]?.description == "low_confidence")
        #expect(run.metadata[LogKey.cached]?.description == "false")
        #expect(run.metadata[LogKey.confidence]?.description == "0.9")
        #expect(run.metadata[LogKey.items]?.description == "3")
        #expect(run.metadata[LogKey.promptTokens]?.description == "0")
        #expect(run.metadata[LogKey.ocrMilliseconds] != nil)

        _ = harness.process([file])
        let lines = harness.log.lines(Self.message)
        #expect(lines.count == 2)
        let hit = try #require(lines.last)
        #expect(hit.metadata[LogKey.cached]?.description == "true")
        #expect(hit.metadata[LogKey.provider]?.description == "second")
        #expect(hit.metadata[LogKey.fallback]?.description == "true")
        #expect(hit.metadata[LogKey.items]?.description == "3")
        #expect(first.calls == 1 && second.calls == 1)
    }

    @Test func everyFileOfABatchLogsOnceRefusedOnesIncluded() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 1))
        let harness = try OrchestratorHarness(providers: [provider])
        defer { harness.close() }
        let files = [
            try TestImages.file("a.jpg", width: 150), UploadedFile(name: "broken.jpg", bytes: [0xFF, 0xD8, 0x00]),
            try TestImages.file("b.jpg", width: 160),
        ]
        _ = harness.process(files)
        let lines = harness.log.lines(Self.message)
        #expect(lines.count == 3)
        #expect(Set(lines.compactMap { $0.metadata[LogKey.file]?.description }) == ["0", "1", "2"])
        let broken = try #require(lines.first { $0.metadata[LogKey.file]?.description == "1" })
        #expect(broken.metadata[LogKey.ocrStatus]?.description == "invalid_image")
        #expect(broken.metadata[LogKey.fallback]?.description == "false")
        #expect(broken.metadata[LogKey.provider] == nil)
        #expect(!lines.contains { $0.metadata.values.contains { $0.description.contains("broken.jpg") } })
    }

    @Test func aFileRefusedBeforeQueueingLogsItsLineThen() throws {
        let harness = try OrchestratorHarness(providers: [ScriptedOCRProvider()])
        defer { harness.close() }
        let refusals = harness.orchestrator.refusals(
            of: [try TestImages.file("ok.jpg", width: 170), UploadedFile(name: "x.jpg", bytes: [0x00])],
            logger: harness.log.makeLogger())
        #expect(refusals[0] == nil && refusals[1] != nil)
        let line = try #require(harness.log.lines(Self.message).only)
        #expect(line.metadata[LogKey.file]?.description == "1")
    }
}

extension Array {
    /// The one element, or nil when there are none or several.
    fileprivate var only: Element? { count == 1 ? first : nil }
}
