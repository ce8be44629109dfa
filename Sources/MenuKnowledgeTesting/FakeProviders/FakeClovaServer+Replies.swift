import JSON

extension FakeClovaServer {
    /// What a reply copies from its request (docs/providers.md: `requestId` and `images[].name` are echoed).
    struct Echo {
        var requestID: String
        var imageName: String
        var domainKey: String
    }

    /// The page geometry of ``Step/lines(_:)`` (see its documentation).
    public enum Layout {
        public static let convertedWidth = 1000
        public static let convertedHeight = 1333
        public static let firstLineTop = 100
        public static let lineAdvance = 80
        public static let lineHeight = 50
        public static let left = 60
        public static let pixelsPerCharacter = 40
        public static let gap = 30
        public static let priceColumnRight = 900
    }

    /// The HTTP reply for `step`.
    static func reply(to step: Step, echo: Echo) -> FakeHTTPReply {
        switch step {
        case .lines(let lines):
            return .json(
                200, document(echo: echo, result: "SUCCESS", message: "SUCCESS", fields: fields(lines)).encoded)
        case .inferFailure(let message):
            return .json(200, document(echo: echo, result: "FAILURE", message: message, fields: []).encoded)
        case .inferError(let message):
            return .json(200, document(echo: echo, result: "ERROR", message: message, fields: nil).encoded)
        case .error(let status, let code, let message):
            let body: JSONValue = .object([
                ("code", .string(code)), ("message", .string(message)),
                ("path", .string("/external/v1/1234/\(echo.domainKey)/general")),
                ("traceId", .string(FakeIdentifier.hex(32))), ("timestamp", .int(FakeIdentifier.nowMilliseconds())),
            ])
            return .json(status, body.encoded)
        case .gatewayError(let status, let errorCode, let message):
            let error: JSONValue = .object([
                ("errorCode", .string(errorCode)), ("message", .string(message)),
                ("details", .string("\(message) (FakeClovaServer API Gateway error)")),
            ])
            return .json(status, JSONValue.object([("error", error)]).encoded)
        case .delayed(let duration, let inner):
            var reply = reply(to: inner, echo: echo)
            reply.delay += duration
            return reply
        case .malformedJSON:
            return .json(200, #"{"version": "V2", "images": [{"inferResult": "SUC"#)
        case .truncatedBody:
            var reply = reply(to: .lines([["김치찌개", "8,000원"]]), echo: echo)
            reply.behaviour = .truncatedBody
            return reply
        case .resetConnection:
            return FakeHTTPReply(status: 200, behaviour: .resetConnection)
        }
    }

    /// The 200 body (docs/providers.md) with one image; `fields` nil leaves the key out.
    static func document(echo: Echo, result: String, message: String, fields: [JSONValue]?) -> JSONValue {
        var image: [(String, JSONValue)] = [
            ("uid", .string(FakeIdentifier.hex(32))), ("name", .string(echo.imageName)),
            ("inferResult", .string(result)), ("message", .string(message)),
            ("validationResult", .object([("result", "NO_REQUESTED")])),
            (
                "convertedImageInfo",
                .object([
                    ("width", .int(Layout.convertedWidth)), ("height", .int(Layout.convertedHeight)), ("pageIndex", 0),
                    ("longImage", false),
                ])
            ),
        ]
        if let fields { image.append(("fields", .array(fields))) }
        return .object([
            ("version", "V2"), ("requestId", .string(echo.requestID)),
            ("timestamp", .int(FakeIdentifier.nowMilliseconds())), ("images", .array([.object(image)])),
        ])
    }

    /// One `field` per word, laid out as ``Step/lines(_:)`` describes.
    static func fields(_ lines: [[FakeClovaWord]]) -> [JSONValue] {
        var fields: [JSONValue] = []
        for (lineIndex, words) in lines.enumerated() {
            let top = Layout.firstLineTop + Layout.lineAdvance * lineIndex
            var x = Layout.left
            for (wordIndex, word) in words.enumerated() {
                let width = Layout.pixelsPerCharacter * max(1, word.text.count)
                let isLast = wordIndex == words.count - 1
                let left = isLast && words.count >= 2 ? Layout.priceColumnRight - width : x
                fields.append(field(word, left: left, top: top, width: width, lineBreak: isLast))
                x = left + width + Layout.gap
            }
        }
        return fields
    }

    /// One `field` (docs/providers.md), vertices clockwise from the top-left.
    static func field(_ word: FakeClovaWord, left: Int, top: Int, width: Int, lineBreak: Bool) -> JSONValue {
        let right = left + width
        let bottom = top + Layout.lineHeight
        let corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
        let vertices = corners.map { JSONValue.object([("x", .double(Double($0.0))), ("y", .int($0.1))]) }
        return .object([
            ("valueType", "ALL"), ("boundingPoly", .object([("vertices", .array(vertices))])),
            ("inferText", .string(word.text)), ("inferConfidence", .double(word.confidence)), ("type", "NORMAL"),
            ("lineBreak", .bool(lineBreak)),
        ])
    }
}
