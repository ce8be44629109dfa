import MenuAPI
import Testing

struct MultipartFormDataTests {
    /// The shape of the boundary curl generates: 24 dashes, then random hex digits.
    static let curlBoundary = "------------------------" + "4f2a9c0e7b13d865"

    // MARK: Bodies as clients send them

    @Test func curlUploadOfTwoFilesDecodes() throws {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x0D, 0x0A, 0x2D, 0x2D, 0xFF, 0xD9]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]
        let body = Self.body(
            boundary: Self.curlBoundary,
            parts: [
                Self.file(name: "files", filename: "a.jpg", contentType: "image/jpeg", data: jpeg),
                Self.file(name: "files", filename: "b.png", contentType: "image/png", data: png),
            ])

        let form = try MultipartFormData(body: body, boundary: Self.curlBoundary)

        #expect(form.parts.count == 2)
        let first = try #require(form.parts.first)
        #expect(first.name == "files")
        #expect(first.filename == "a.jpg")
        #expect(first.contentType == "image/jpeg")
        #expect(Array(first.body) == jpeg)
        #expect(first.headers.map(\.name) == ["content-disposition", "content-type"])
        #expect(first.headers.first?.value == #"form-data; name="files"; filename="a.jpg""#)
        let second = try #require(form.parts.last)
        #expect(second.filename == "b.png")
        #expect(second.contentType == "image/png")
        #expect(Array(second.body) == png)
        #expect(form.parts(named: ["files", "files[]", "file"]).map(\.filename) == ["a.jpg", "b.png"])
        #expect(form.parts(named: ["file"]).isEmpty)
    }

    @Test func textFieldAndFilesKeepTheirOrderAndKinds() throws {
        let boundary = "X-BOUNDARY"
        let body = Self.body(
            boundary: boundary,
            parts: [
                Self.field(name: "restaurant", value: "을지로 할머니집"),
                Self.file(name: "files[]", filename: "menu.jpg", contentType: "image/jpeg", data: [1, 2, 3]),
                Self.file(name: "file", filename: "board.webp", contentType: "image/webp", data: [4]),
            ])

        let form = try MultipartFormData(body: body, boundary: boundary)

        #expect(form.parts.map(\.name) == ["restaurant", "files[]", "file"])
        let field = try #require(form.parts.first)
        #expect(field.filename == nil)
        #expect(field.contentType == nil)
        #expect(String(decoding: field.body, as: UTF8.self) == "을지로 할머니집")
        #expect(form.parts(named: ["files", "files[]", "file"]).map(\.filename) == ["menu.jpg", "board.webp"])
    }

    @Test func emptyFileIsAPartWithAnEmptyBody() throws {
        let boundary = "b"
        let body = Self.body(
            boundary: boundary,
            parts: [
                Self.file(name: "files", filename: "empty.jpg", contentType: "image/jpeg", data: []),
                Self.field(name: "after", value: "x"),
            ])

        let form = try MultipartFormData(body: body, boundary: boundary)

        #expect(form.parts.count == 2)
        #expect(form.parts.first?.filename == "empty.jpg")
        #expect(form.parts.first?.body.isEmpty == true)
        #expect(form.parts.last.map { Array($0.body) } == Array("x".utf8))
    }

    @Test func formWithNoPartsDecodesToNoParts() throws {
        let form = try MultipartFormData(body: Array("--b--\r\n".utf8), boundary: "b")
        #expect(form.parts.isEmpty)
    }

    @Test func preambleAndEpilogueAreIgnored() throws {
        let boundary = "simple boundary"
        let body = Self.body(
            boundary: boundary, parts: [Self.field(name: "a", value: "one")],
            preamble: Array("This is the preamble.\r\n--simple boundaryX is not a delimiter".utf8),
            epilogue: Array("This is the epilogue.\r\n--simple boundary\r\nnot a part".utf8))

        let form = try MultipartFormData(body: body, boundary: boundary)

        #expect(form.parts.count == 1)
        #expect(form.parts.first.map { Array($0.body) } == Array("one".utf8))
    }

    @Test func transportPaddingAfterADelimiterIsAllowed() throws {
        let text = "--b \t \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--b--"
        let form = try MultipartFormData(body: Array(text.utf8), boundary: "b")
        #expect(form.parts.first.map { Array($0.body) } == Array("value".utf8))
    }

    @Test func headerNamesAndDispositionAreCaseInsensitive() throws {
        let text =
            "--b\r\nCONTENT-DISPOSITION: Form-Data; NAME=\"a\"; FileName=\"x.jpg\"\r\nContent-TYPE:image/jpeg\r\n\r\n"
            + "1\r\n--b--\r\n"
        let part = try #require(try MultipartFormData(body: Array(text.utf8), boundary: "b").parts.first)
        #expect(part.name == "a")
        #expect(part.filename == "x.jpg")
        #expect(part.contentType == "image/jpeg")
        #expect(part.headers.map(\.name) == ["content-disposition", "content-type"])
    }

    // MARK: Binary safety

    struct PayloadCase: Sendable, CustomTestStringConvertible {
        var label: String
        var data: [UInt8]
        var testDescription: String { label }
    }

    static let payloads: [PayloadCase] = {
        let boundary = Array(curlBoundary.utf8)
        let crlf: [UInt8] = [0x0D, 0x0A]
        let dashes = Array("--".utf8)
        return [
            PayloadCase(label: "CRLF only", data: crlf),
            PayloadCase(label: "CRLF CRLF", data: crlf + crlf),
            PayloadCase(label: "dashes", data: dashes + dashes),
            PayloadCase(label: "CRLF dashes", data: Array("a\r\n--b".utf8)),
            PayloadCase(label: "boundary prefix", data: crlf + dashes + boundary.dropLast() + crlf),
            PayloadCase(
                label: "boundary prefix at the end", data: Array("x".utf8) + crlf + dashes + boundary.dropLast()),
            PayloadCase(label: "boundary without CRLF", data: Array("x".utf8) + dashes + boundary + crlf),
            PayloadCase(label: "boundary followed by data", data: crlf + dashes + boundary + Array("X\r\n".utf8)),
            PayloadCase(label: "boundary followed by one dash", data: crlf + dashes + boundary + Array("-x".utf8)),
            PayloadCase(label: "lone CR before the delimiter", data: [0x41, 0x0D]),
            PayloadCase(
                label: "every byte value", data: (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) }),
        ]
    }()

    @Test(arguments: payloads)
    func binaryDataSurvivesExactly(payload: PayloadCase) throws {
        let body = Self.body(
            boundary: Self.curlBoundary,
            parts: [
                Self.file(
                    name: "files", filename: "a.bin", contentType: "application/octet-stream", data: payload.data),
                Self.file(
                    name: "files", filename: "b.bin", contentType: "application/octet-stream", data: payload.data),
            ])

        let form = try MultipartFormData(body: body, boundary: Self.curlBoundary)

        #expect(form.parts.count == 2)
        #expect(form.parts.map { Array($0.body) } == [payload.data, payload.data])
    }

    @Test func largePartDecodesExactlyAndSharesTheBodysStorage() throws {
        // 20 MiB of data full of near-delimiters, so the scan stops often and must not cut the part short.
        let boundary = Array(Self.curlBoundary.utf8)
        var block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let traps: [[UInt8]] = [
            [0x0D, 0x0A, 0x2D, 0x2D] + boundary.dropLast(), [0x0D, 0x0A, 0x0D, 0x0A], Array("\r\n--".utf8),
        ]
        for (offset, trap) in zip(stride(from: 100, to: 65_000, by: 1_000), traps.cycled(count: 65)) {
            block.replaceSubrange(offset..<(offset + trap.count), with: trap)
        }
        let blockCount = 320
        var data: [UInt8] = []
        data.reserveCapacity(block.count * blockCount)
        for _ in 0..<blockCount { data.append(contentsOf: block) }

        let headerText =
            "--\(Self.curlBoundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.jpg\""
            + "\r\nContent-Type: image/jpeg\r\n\r\n"
        var body = Array(headerText.utf8)
        let dataOffset = body.count
        body.append(contentsOf: data)
        body.append(contentsOf: Array("\r\n--\(Self.curlBoundary)--\r\n".utf8))

        let form = try MultipartFormData(body: body, boundary: Self.curlBoundary)

        let part = try #require(form.parts.first)
        #expect(form.parts.count == 1)
        #expect(part.body.count == 20 * 1_024 * 1_024)
        #expect(part.body.startIndex == dataOffset)
        #expect(part.body.endIndex == dataOffset + data.count)
        #expect(part.body == data[...])
        // The slice points into the body's buffer: no copy was made.
        let bodyAddress = body.withUnsafeBufferPointer { $0.baseAddress.map { $0 + dataOffset } }
        let partAddress = part.body.withUnsafeBufferPointer { $0.baseAddress }
        #expect(bodyAddress != nil)
        #expect(partAddress == bodyAddress)
    }

    // MARK: File names

    struct FilenameCase: Sendable, CustomTestStringConvertible {
        var disposition: String
        var filename: String?
        var testDescription: String { disposition }
    }

    static let filenames: [FilenameCase] = [
        FilenameCase(
            disposition: #"form-data; name="files"; filename="menu.jpg"; filename*=UTF-8''%EB%A9%94%EB%89%B4.jpg"#,
            filename: "메뉴.jpg"),
        FilenameCase(
            disposition: #"form-data; filename*=utf-8'ko'%EB%A9%94%EB%89%B4.jpg; name="files"; filename="menu.jpg""#,
            filename: "메뉴.jpg"),
        FilenameCase(disposition: #"form-data; name="files"; filename="메뉴.jpg""#, filename: "메뉴.jpg"),
        // What browsers and curl 7.81+ send (WHATWG form-data encoding): `"` as %22, CR and LF as %0D and %0A.
        FilenameCase(disposition: #"form-data; name="files"; filename="say %22hi%22.jpg""#, filename: #"say "hi".jpg"#),
        FilenameCase(disposition: #"form-data; name="files"; filename="a%0Ab%0Dc.jpg""#, filename: "a\nb\rc.jpg"),
        // Only those three escapes, in upper case, are undone; every other % is the file's own.
        FilenameCase(
            disposition: #"form-data; name="files"; filename="100%25 %0a %2.jpg""#, filename: "100%25 %0a %2.jpg"),
        FilenameCase(disposition: #"form-data; name="files"; filename="%""#, filename: "%"),
        // A backslash is an ordinary character, also last and doubled.
        FilenameCase(disposition: #"form-data; name="files"; filename="a\\b.jpg""#, filename: #"a\\b.jpg"#),
        FilenameCase(disposition: #"form-data; name="files"; filename="a.jpg\""#, filename: #"a.jpg\"#),
        FilenameCase(disposition: #"form-data; name="files"; filename="\"; x="y""#, filename: #"\"#),
        // An older curl's backslash-escaped quote, which the browsers' reading cannot end, is still read as it meant.
        FilenameCase(disposition: #"form-data; name="files"; filename="say \"hi\".jpg""#, filename: #"say "hi".jpg"#),
        FilenameCase(
            disposition: #"form-data; name="files"; filename="C:\photos\a.jpg""#, filename: #"C:\photos\a.jpg"#),
        FilenameCase(disposition: #"form-data; name="files"; filename="a;b.jpg""#, filename: "a;b.jpg"),
        FilenameCase(disposition: #"form-data; name="files"; filename=plain.jpg"#, filename: "plain.jpg"),
        FilenameCase(disposition: #"form-data; name="files"; filename="""#, filename: ""),
        FilenameCase(disposition: #"form-data; name=files"#, filename: nil),
    ]

    @Test(arguments: filenames)
    func filenameIsDecoded(testCase: FilenameCase) throws {
        let text = "--b\r\nContent-Disposition: \(testCase.disposition)\r\n\r\ndata\r\n--b--\r\n"
        let part = try #require(try MultipartFormData(body: Array(text.utf8), boundary: "b").parts.first)
        #expect(part.name == "files")
        #expect(part.filename == testCase.filename)
    }

    struct NameCase: Sendable, CustomTestStringConvertible {
        var disposition: String
        var name: String
        var filename: String?
        var testDescription: String { disposition }
    }

    /// Field names as browsers encode them (issue 15, item 7): `name="a\"` used to be refused as malformed,
    /// because `\"` was read as an escaped quote and the value never closed.
    static let names: [NameCase] = [
        NameCase(disposition: #"form-data; name="a\""#, name: #"a\"#),
        NameCase(disposition: #"form-data; name="a\"; filename="b\""#, name: #"a\"#, filename: #"b\"#),
        NameCase(disposition: #"form-data; name="\\""#, name: #"\\"#),
        NameCase(disposition: #"form-data; name="a\b""#, name: #"a\b"#),
        NameCase(disposition: #"form-data; name="x%22y""#, name: #"x"y"#),
        NameCase(disposition: #"form-data; name="line%0D%0Abreak""#, name: "line\r\nbreak"),
        NameCase(disposition: #"form-data; name="%22""#, name: #"""#),
        NameCase(disposition: #"form-data; name="메뉴\""#, name: #"메뉴\"#),
        NameCase(disposition: #"form-data; name="""#, name: ""),
    ]

    @Test(arguments: names)
    func fieldNameFollowsTheBrowsersEncoding(testCase: NameCase) throws {
        let text = "--b\r\nContent-Disposition: \(testCase.disposition)\r\n\r\ndata\r\n--b--\r\n"
        let part = try #require(try MultipartFormData(body: Array(text.utf8), boundary: "b").parts.first)
        #expect(part.name == testCase.name)
        #expect(part.filename == testCase.filename)
    }

    /// RFC 7578's other rules still hold for a value read the browsers' way: it must be closed, nothing may follow
    /// it but `;`, and a name may not repeat.
    @Test(arguments: [
        #"form-data; name="a"#, #"form-data; name="a\"b"#, #"form-data; name="a" b"#,
        #"form-data; name="a"; name="b""#, #"form-data; name="a\"; filename="b"; filename="c""#,
    ])
    func browserEncodedNamesKeepTheOtherRules(disposition: String) {
        let text = "--b\r\nContent-Disposition: \(disposition)\r\n\r\ndata\r\n--b--\r\n"
        #expect(throws: MultipartError.self) { try MultipartFormData(body: Array(text.utf8), boundary: "b") }
    }

    @Test func bracketedNameIsAcceptedUnquoted() throws {
        let text = "--b\r\nContent-Disposition: form-data; name=files[]; filename=\"a.jpg\"\r\n\r\nx\r\n--b--\r\n"
        let form = try MultipartFormData(body: Array(text.utf8), boundary: "b")
        #expect(form.parts(named: ["files[]"]).count == 1)
    }

    // MARK: Content-Type

    @Test(arguments: [
        (
            "multipart/form-data; boundary=------------------------4f2a9c0e7b13d865",
            "------------------------4f2a9c0e7b13d865"
        ),
        ("multipart/form-data; boundary=\"simple boundary\"", "simple boundary"),
        ("multipart/form-data;boundary=\"a=b\"", "a=b"),
        ("Multipart/Form-Data; BOUNDARY=AbC", "AbC"),
        ("multipart/form-data; charset=utf-8; boundary=x", "x"),
        ("multipart/form-data; boundary=x; charset=utf-8;", "x"),
        ("  multipart/form-data ;\tboundary = x ", "x"),
        ("multipart/form-data; boundary=" + String(repeating: "a", count: 70), String(repeating: "a", count: 70)),
        ("multipart/form-data; boundary=\"'()+_,-./:=? z\"", "'()+_,-./:=? z"),
    ])
    func boundaryIsReadFromContentType(contentType: String, expected: String) throws {
        #expect(try MultipartFormData.boundary(fromContentType: contentType) == expected)
    }

    @Test(arguments: [
        ("application/json", MultipartError.Code.invalidContentType),
        ("", .invalidContentType),
        ("multipart/mixed; boundary=x", .invalidContentType),
        ("multipart/form-data-x; boundary=x", .invalidContentType),
        ("multipart/form-data; boundary=\"x", .invalidContentType),
        ("multipart/form-data; boundary=x; boundary=y", .invalidContentType),
        ("multipart/form-data; boundary", .invalidContentType),
        ("multipart/form-data", .missingBoundary),
        ("multipart/form-data; charset=utf-8", .missingBoundary),
        ("multipart/form-data; boundary=", .invalidBoundary),
        ("multipart/form-data; boundary=\"\"", .invalidBoundary),
        ("multipart/form-data; boundary=" + String(repeating: "a", count: 71), .invalidBoundary),
        ("multipart/form-data; boundary=a@b", .invalidBoundary),
        ("multipart/form-data; boundary=\"ab \"", .invalidBoundary),
        ("multipart/form-data; boundary=\"메뉴\"", .invalidBoundary),
    ])
    func badContentTypeIsRefused(contentType: String, code: MultipartError.Code) {
        #expect(Self.contentTypeError(contentType)?.code == code)
    }

    @Test func contentTypeErrorsSayWhatToFix() {
        #expect(Self.contentTypeError("application/json")?.message.contains("'application/json'") == true)
        #expect(Self.contentTypeError("multipart/form-data; boundary=a@b")?.message.contains("'@'") == true)
    }

    // MARK: Malformed bodies

    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var label: String
        var body: String
        var code = MultipartError.Code.malformedMultipart
        var messageContains: String
        var testDescription: String { label }
    }

    static let named = "Content-Disposition: form-data; name=\"a\"\r\n"

    static let malformed: [MalformedCase] = [
        MalformedCase(label: "no delimiter", body: "just text", messageContains: "does not contain the boundary '--b'"),
        MalformedCase(label: "empty body", body: "", messageContains: "does not contain the boundary"),
        MalformedCase(
            label: "no closing delimiter", body: "--b\r\n\(named)\r\ndata\r\n",
            messageContains: "no closing boundary '--b--'"),
        MalformedCase(
            label: "body ends after a delimiter", body: "--b\r\n\(named)\r\ndata\r\n--b",
            messageContains: "no closing boundary"),
        MalformedCase(
            label: "part without name",
            body: "--b\r\nContent-Disposition: form-data; filename=\"a.jpg\"\r\n\r\nx\r\n--b--",
            messageContains: "of part 1 has no name"),
        MalformedCase(
            label: "part without Content-Disposition", body: "--b\r\nContent-Type: image/jpeg\r\n\r\nx\r\n--b--",
            messageContains: "no Content-Disposition"),
        MalformedCase(
            label: "part without headers", body: "--b\r\n\r\nx\r\n--b--", messageContains: "no Content-Disposition"),
        MalformedCase(
            label: "second part without name",
            body: "--b\r\n\(named)\r\nx\r\n--b\r\nContent-Disposition: form-data\r\n\r\ny\r\n--b--",
            messageContains: "of part 2 has no name"),
        MalformedCase(
            label: "attachment disposition",
            body: "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--b--",
            messageContains: "must be form-data"),
        MalformedCase(
            label: "two Content-Disposition headers", body: "--b\r\n\(named)\(named)\r\nx\r\n--b--",
            messageContains: "more than one Content-Disposition"),
        MalformedCase(
            label: "header line without colon", body: "--b\r\n\(named)X-Broken header\r\n\r\nx\r\n--b--",
            messageContains: "header line without a colon"),
        MalformedCase(
            label: "folded header line", body: "--b\r\n\(named) continued: here\r\n\r\nx\r\n--b--",
            messageContains: "folded header"),
        MalformedCase(
            label: "space before the colon",
            body: "--b\r\nContent-Disposition : form-data; name=\"a\"\r\n\r\nx\r\n--b--",
            messageContains: "invalid name"),
        MalformedCase(
            label: "header line ending in bare LF", body: "--b\r\nX-A: 1\n\(named)\r\nx\r\n--b--",
            messageContains: "does not end with CRLF"),
        MalformedCase(
            label: "headers without an empty line", body: "--b\r\n\(named)--b--\r\n",
            messageContains: "do not end with an empty line"),
        MalformedCase(
            label: "delimiter line inside the headers", body: "--b\r\n\(named)--b\r\n\(named)\r\nx\r\n--b--",
            messageContains: "do not end with an empty line"),
        MalformedCase(
            label: "text after the boundary", body: "--b  junk\r\n\(named)\r\nx\r\n--b--",
            messageContains: "does not end with CRLF"),
        MalformedCase(
            label: "unterminated quoted name",
            body: "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--",
            messageContains: "no closing"),
        MalformedCase(
            label: "bad percent-escape",
            body: "--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''%E1%8G.jpg\r\n\r\nx\r\n--b--",
            messageContains: "invalid percent-escape"),
        MalformedCase(
            label: "truncated percent-escape",
            body: "--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''a%E\r\n\r\nx\r\n--b--",
            messageContains: "invalid percent-escape"),
        MalformedCase(
            label: "percent-escape that is not UTF-8",
            body: "--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''%C0%AF.jpg\r\n\r\nx\r\n--b--",
            messageContains: "not valid UTF-8"),
        MalformedCase(
            label: "filename* in another charset",
            body: "--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=ISO-8859-1''%E9.jpg\r\n\r\nx\r\n--b--",
            messageContains: "only UTF-8"),
        MalformedCase(
            label: "filename* without charset quotes",
            body: "--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=a.jpg\r\n\r\nx\r\n--b--",
            messageContains: "UTF-8''"),
        MalformedCase(
            label: "headers over the limit",
            body: "--b\r\n\(named)X-Padding: \(String(repeating: "p", count: 16_384))\r\n\r\nx\r\n--b--",
            messageContains: "longer than 16384 bytes"),
    ]

    @Test(arguments: malformed)
    func malformedBodyIsRefused(testCase: MalformedCase) {
        let error = Self.decodingError(Array(testCase.body.utf8), boundary: "b")
        #expect(error?.code == testCase.code)
        #expect(
            error?.message.lowercased().contains(testCase.messageContains.lowercased()) == true,
            "\(String(describing: error))")
    }

    @Test func partsBeyondTheLimitAreRefused() throws {
        let parts = (1...3).map { Self.field(name: "f\($0)", value: "\($0)") }
        let body = Self.body(boundary: "b", parts: parts)

        let error = Self.decodingError(body, boundary: "b", maxParts: 2)
        #expect(error?.code == .tooManyParts)
        #expect(error?.message.contains("more than 2 parts") == true)
        #expect(try MultipartFormData(body: body, boundary: "b", maxParts: 3).parts.count == 3)
    }

    @Test(arguments: ["", String(repeating: "x", count: 71), "a\r\nb", "a@b"])
    func invalidBoundaryIsRefusedBeforeDecoding(boundary: String) {
        #expect(Self.decodingError(Array("--x--".utf8), boundary: boundary)?.code == .invalidBoundary)
    }

    // MARK: Helpers

    typealias TestPart = (headers: [String], data: [UInt8])

    /// A body laid out as curl and browsers send it (RFC 7578 §4.1): `--boundary CRLF headers CRLF CRLF data`
    /// per part, each part's data followed by `CRLF--boundary`, the last one by `--`.
    static func body(
        boundary: String, parts: [TestPart], preamble: [UInt8] = [], epilogue: [UInt8] = []
    ) -> [UInt8] {
        var body = preamble
        if !preamble.isEmpty { body += Array("\r\n".utf8) }
        for part in parts {
            body += Array("--\(boundary)\r\n".utf8)
            for header in part.headers { body += Array("\(header)\r\n".utf8) }
            body += Array("\r\n".utf8)
            body += part.data
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return body + epilogue
    }

    /// A file part as `curl -F name=@filename;type=contentType` writes it.
    static func file(name: String, filename: String, contentType: String, data: [UInt8]) -> TestPart {
        (
            [
                #"Content-Disposition: form-data; name="\#(name)"; filename="\#(filename)""#,
                "Content-Type: \(contentType)",
            ], data
        )
    }

    /// A text field as `curl -F name=value` writes it.
    static func field(name: String, value: String) -> TestPart {
        ([#"Content-Disposition: form-data; name="\#(name)""#], Array(value.utf8))
    }

    static func decodingError(_ body: [UInt8], boundary: String, maxParts: Int = 1000) -> MultipartError? {
        do {
            _ = try MultipartFormData(body: body, boundary: boundary, maxParts: maxParts)
            return nil
        } catch {
            return error
        }
    }

    static func contentTypeError(_ contentType: String) -> MultipartError? {
        do {
            _ = try MultipartFormData.boundary(fromContentType: contentType)
            return nil
        } catch {
            return error
        }
    }
}

extension Array {
    /// The elements repeated in order until there are `count`.
    fileprivate func cycled(count: Int) -> [Element] {
        (0..<count).map { self[$0 % self.count] }
    }
}
