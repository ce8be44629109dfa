import JSON
import Logging
import MenuKnowledgeTesting
import MenuLogging
import Synchronization
import Testing

/// The handler: merge order, levels, metadata as a value, and one write per line.
struct StructuredLogHandlerTests {
    /// The lines a handler wrote, each as one `output` call.
    final class Capture: Sendable {
        private let written = Mutex<[String]>([])
        var lines: [String] { written.withLock { $0 } }

        func logger(
            _ format: LogFormat = .logfmt, level: Logger.Level = .info, provider: Logger.MetadataProvider? = nil
        )
            -> Logger
        {
            Logger(label: "test") { _ in
                StructuredLogHandler(
                    format: format, logLevel: level, metadataProvider: provider,
                    output: { bytes in self.written.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } },
                    clock: { "2026-12-02T15:04:05.123Z" })
            }
        }
    }

    @Test func callMetadataWinsOverProviderWhichWinsOverTheLoggers() throws {
        let capture = Capture()
        var logger = capture.logger(provider: Logger.MetadataProvider { ["shared": "provider", "provided": "yes"] })
        logger[metadataKey: "shared"] = "logger"
        logger[metadataKey: "own"] = "kept"
        logger.info("first")
        logger.info("second", metadata: ["shared": "call"])
        let lines = try capture.lines.map { try LogfmtLine(String($0.dropLast())) }
        #expect(lines.count == 2)
        #expect(lines[0]["shared"] == "provider")
        #expect(lines[0]["own"] == "kept")
        #expect(lines[0]["provided"] == "yes")
        #expect(lines[1]["shared"] == "call")
    }

    @Test func belowTheLevelNothingIsWritten() {
        let capture = Capture()
        let logger = capture.logger(level: .warning)
        logger.info("hidden")
        logger.debug("hidden")
        logger.warning("shown")
        logger.error("shown")
        #expect(capture.lines.count == 2)
        #expect(capture.lines.allSatisfy { $0.contains("msg=shown") })
    }

    @Test func metadataIsAValue() throws {
        let capture = Capture()
        var request = capture.logger()
        request[metadataKey: "mke.request.id"] = "r1"
        var task = request
        task[metadataKey: "mke.task"] = "t1"
        request.info("request")
        task.info("task")
        let lines = try capture.lines.map { try LogfmtLine(String($0.dropLast())) }
        #expect(lines[0].keys == ["ts", "level", "msg", "mke.request.id"])
        #expect(lines[1].keys == ["ts", "level", "msg", "mke.request.id", "mke.task"])
    }

    @Test func jsonFormatWritesOneObjectPerCall() throws {
        let capture = Capture()
        capture.logger(.json).notice("two\nlines?", metadata: ["mke.count": "2"])
        #expect(capture.lines.count == 1)
        let line = try #require(capture.lines.first)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try JSONParser.parse(String(line.dropLast()))
        #expect(object["level"]?.stringValue == "notice")
        #expect(object["msg"]?.stringValue == "two\nlines?")
        #expect(object["mke.count"]?.stringValue == "2")
    }
}
