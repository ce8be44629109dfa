import MenuAPI
import Testing

struct APIRequestTests {
    @Test func decodesCGIParameters() {
        let request = APIRequest(
            cgiParameters: [
                "REQUEST_METHOD": "post",
                "REQUEST_URI": "/api/v1/b2b/restaurants/abc/menus?page=2&q=%EB%B9%84%EB%B9%94+%EB%B0%A5",
                "QUERY_STRING": "page=2&q=%EB%B9%84%EB%B9%94+%EB%B0%A5&page=3",
                "CONTENT_TYPE": "multipart/form-data; boundary=x",
                "CONTENT_LENGTH": "3", "HTTP_X_API_KEY": "k", "HTTP_USER_AGENT": "curl/7.88", "REMOTE_ADDR": "10.0.0.9",
            ], body: [1, 2, 3])
        #expect(request.method == "POST")
        #expect(request.path == "/api/v1/b2b/restaurants/abc/menus")
        #expect(request.pathSegments == ["api", "v1", "b2b", "restaurants", "abc", "menus"])
        #expect(request.query == ["page": "2", "q": "비빔 밥"])
        #expect(request.header("Content-Type") == "multipart/form-data; boundary=x")
        #expect(request.header("content-length") == "3")
        #expect(request.header("x-api-key") == "k")
        #expect(request.header("user-agent") == "curl/7.88")
        #expect(request.remoteAddress == "10.0.0.9")
        #expect(request.body == [1, 2, 3])
    }

    @Test func encodedSlashStaysInsideItsSegment() {
        let request = APIRequest(cgiParameters: ["REQUEST_URI": "/a/b%2Fc//d"], body: [])
        #expect(request.pathSegments == ["a", "b/c", "d"])
    }

    @Test(arguments: [("a=%zz", "%zz"), ("a=%4", "%4"), ("a=100%25", "100%"), ("a=x+y", "x y"), ("a=", "")])
    func queryValuesDecodeLeniently(query: String, expected: String) {
        #expect(
            APIRequest(cgiParameters: ["REQUEST_URI": "/", "QUERY_STRING": query], body: []).query["a"] == expected)
    }

    @Test func missingParametersDefaultSafely() {
        let request = APIRequest(cgiParameters: [:], body: [])
        #expect(request.method == "GET")
        #expect(request.path == "/")
        #expect(request.headers.isEmpty)
    }

    @Test func requestIDFromNginxIsKept() {
        #expect(
            RequestContext.requestID(fromUpstream: "0123456789abcdef0123456789abcdef")
                == "0123456789abcdef0123456789abcdef")
    }

    @Test(arguments: [nil, "", "bad id", "x\r\nInjected: 1", String(repeating: "a", count: 129)])
    func malformedRequestIDIsReplaced(candidate: String?) {
        let id = RequestContext.requestID(fromUpstream: candidate)
        #expect(id != candidate)
        #expect(id.count == 32)
        #expect(id.allSatisfy { $0.isHexDigit })
    }

    @Test(
        arguments: [
            ("Bearer abc123", .token("abc123")), ("bearer abc123", .token("abc123")),
            ("BEARER  abc123 ", .token("abc123")), ("Bearer\tmk_a-b.c~d+e/f==", .token("mk_a-b.c~d+e/f==")),
            ("Basic abc123", .malformed), ("Digest username=\"a\"", .malformed),
            ("Bearer ", .malformed), ("Bearer", .malformed), ("Bearer  ", .malformed), ("", .malformed),
            ("   ", .malformed), ("abc123", .malformed), ("Bearer a b", .malformed),
            ("Bearer a\u{7}b", .malformed), ("Bearer 메뉴", .malformed), ("Bearerabc123", .malformed),
        ] as [(String, BearerCredential)])
    func bearerCredentialIsTheOneParserOfAuthorization(header: String, credential: BearerCredential) {
        let request = APIRequest(cgiParameters: ["REQUEST_URI": "/", "HTTP_AUTHORIZATION": header], body: [])
        #expect(request.bearerCredential == credential)
    }

    @Test func noAuthorizationHeaderIsAbsent() {
        #expect(APIRequest(cgiParameters: ["REQUEST_URI": "/"], body: []).bearerCredential == .absent)
    }
}
