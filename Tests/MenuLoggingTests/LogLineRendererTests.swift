import JSON
import Logging
import MenuKnowledgeTesting
import MenuLogging
import Testing

/// The two renderers: escaping, key order, levels, and the same fields in both formats.
struct LogLineRendererTests {
    static let timestamp = "2026-12-02T15:04:05.123Z"

    /// A value, how logfmt writes it, and what a logfmt reader gets back.
    @Test(arguments: [
        ("plain", "plain"),
        ("", #""""#),
        ("two words", #""two words""#),
        ("a=b", #""a=b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"back\slash"#, #""back\\slash""#),
        ("line\nbreak", #""line\nbreak""#),
        ("cr\rlf", #""cr\rlf""#),
        ("tab\there", #""tab\there""#),
        ("bell\u{07}", #""bell\u0007""#),
        ("esc\u{1B}[31m", #""esc\u001b[31m""#),
        ("nul\u{00}", #""nul\u0000""#),
        ("del\u{7F}", "\"del\u{7F}\""),
        ("next\u{85}line", "\"next\u{85}line\""),
        ("sep\u{2028}", "\"sep\u{2028}\""),
        ("김치찌개", "김치찌개"),
        ("/api/v1/b2b/restaurants/{restaurant_id}/menus", "/api/v1/b2b/restaurants/{restaurant_id}/menus"),
        ("0.92", "0.92"),
        ("key=value other=forged", #""key=value other=forged""#),
    ])
    func logfmtQuotesAndEscapesValues(value: String, written: String) throws {
        let line = render(.logfmt, metadata: ["k": .string(value)])
        #expect(line.hasSuffix(" k=\(written)\n"))
        #expect(line.filter { $0 == "\n" }.count == 1, "one line whatever the value")
        let read = try LogfmtLine(String(line.dropLast()))
        #expect(read["k"] == value)
    }

    @Test func fixedKeysComeFirstThenMetadataSorted() throws {
        let metadata: Logger.Metadata = ["zeta": "1", "alpha": "2", "mke.request.id": "r", "Beta": "3"]
        let logfmt = try LogfmtLine(String(render(.logfmt, metadata: metadata).dropLast()))
        #expect(logfmt.keys == ["ts", "level", "msg", "Beta", "alpha", "mke.request.id", "zeta"])
        let json = try JSONParser.parse(render(.json, metadata: metadata))
        guard case .object(let members) = json else {
            Issue.record("not an object: \(json)")
            return
        }
        #expect(members.map(\.0) == logfmt.keys)
        #expect(members.map { $0.1.stringValue ?? "" } == logfmt.fields.map(\.value))
    }

    @Test func theSameEventRendersTheSameLineEveryTime() {
        var metadata: Logger.Metadata = [:]
        for index in 0..<50 { metadata["key\(index)"] = "\(index)" }
        let first = render(.logfmt, metadata: metadata)
        for _ in 0..<20 { #expect(render(.logfmt, metadata: metadata) == first) }
    }

    @Test func exampleLineReadsAsDocumented() {
        let line = render(
            .logfmt, message: "Request answered",
            metadata: ["mke.response.status": "200", "mke.request.method": "GET"])
        #expect(
            line == "ts=2026-12-02T15:04:05.123Z level=info msg=\"Request answered\" mke.request.method=GET "
                + "mke.response.status=200\n")
        let json = render(.json, message: "Request answered", metadata: ["mke.response.status": "200"])
        #expect(
            json == #"{"ts":"2026-12-02T15:04:05.123Z","level":"info","msg":"Request answered","#
                + #""mke.response.status":"200"}"# + "\n")
    }

    @Test(arguments: Logger.Level.allCases)
    func levelIsWrittenInLowerCase(level: Logger.Level) throws {
        let logfmt = try LogfmtLine(String(render(.logfmt, level: level, metadata: [:]).dropLast()))
        #expect(logfmt["level"] == level.rawValue)
        #expect(
            try JSONParser.parse(render(.json, level: level, metadata: [:]))["level"]?.stringValue == level.rawValue)
    }

    @Test func metadataNamedLikeAFixedKeyIsRenamed() throws {
        let line = try LogfmtLine(
            String(render(.logfmt, metadata: ["msg": "forged", "level": "critical", "ts": "0"]).dropLast()))
        #expect(line.keys == ["ts", "level", "msg", "_level", "_msg", "_ts"])
        #expect(line["msg"] == "hello")
        #expect(line["level"] == "info")
    }

    @Test func keysNeverBreakTheLine() throws {
        let line = render(.logfmt, metadata: ["a key=\"x\"\n": "v", "": "empty"])
        #expect(line.filter { $0 == "\n" }.count == 1)
        let read = try LogfmtLine(String(line.dropLast()))
        #expect(read.keys.contains("a_key__x__"))
        #expect(read["_"] == "empty")
    }

    @Test func errorFollowsTheMessage() throws {
        let line = LogLineRenderer(format: .logfmt).line(
            timestamp: Self.timestamp, level: .error, message: "failed", error: "boom", metadata: ["a": "1"])
        #expect(
            try LogfmtLine(String(decoding: line.dropLast(), as: UTF8.self)).keys == [
                "ts", "level", "msg", "error", "a",
            ])
    }

    @Test func jsonLinesAreOneObjectEachWithEveryControlCharacterEscaped() throws {
        let nasty = "a\nb\r\"c\"\\d\u{1B}e\u{00}김"
        let bytes = LogLineRenderer(format: .json).line(
            timestamp: Self.timestamp, level: .warning, message: nasty, metadata: ["mke.value": .string(nasty)])
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(!bytes.dropLast().contains { $0 < 0x20 }, "no raw control byte")
        let parsed = try JSONParser.parse(Array(bytes.dropLast()))
        #expect(parsed["msg"]?.stringValue == nasty)
        #expect(parsed["mke.value"]?.stringValue == nasty)
    }

    @Test func listsAndDictionariesStayStructuredInJSON() throws {
        let line = render(.json, metadata: ["list": ["a", "b"], "dict": ["z": "1", "a": "2"]])
        #expect(line.contains(#""dict":{"a":"2","z":"1"},"list":["a","b"]"#))
        let logfmt = try LogfmtLine(String(render(.logfmt, metadata: ["list": ["a", "b"]]).dropLast()))
        #expect(logfmt["list"] == #"["a", "b"]"#)
    }

    @Test(arguments: [
        (0, 0, "1970-01-01T00:00:00.000Z"),
        (1_796_223_845, 123, "2026-12-02T15:04:05.123Z"),
        (951_782_400, 7, "2000-02-29T00:00:00.007Z"),
        (4_102_444_799, 999, "2099-12-31T23:59:59.999Z"),
    ])
    func timestampsAreRFC3339InUTCWithMilliseconds(seconds: Int, milliseconds: Int, written: String) {
        #expect(LogTimestamp.format(secondsSinceEpoch: seconds, milliseconds: milliseconds) == written)
    }

    private func render(
        _ format: LogFormat, level: Logger.Level = .info, message: String = "hello", metadata: Logger.Metadata
    ) -> String {
        String(
            decoding: LogLineRenderer(format: format).line(
                timestamp: Self.timestamp, level: level, message: message, metadata: metadata),
            as: UTF8.self)
    }
}
