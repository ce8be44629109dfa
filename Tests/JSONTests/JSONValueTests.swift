import JSON
import Testing

struct JSONValueTests {
    @Test func keepsKeyOrderAndEscapes() {
        let value: JSONValue = .object([
            ("z", 1), ("a", .string("따옴표 \" 역슬래시 \\ 줄\n탭\t\u{01}")), ("list", .array([nil, true, .double(1.5)])),
        ])
        #expect(value.encodedString == #"{"z":1,"a":"따옴표 \" 역슬래시 \\ 줄\n탭\t\u0001","list":[null,true,1.5]}"#)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        #expect(JSONValue.array([.double(.nan), .double(.infinity)]).encodedString == "[null,null]")
    }
}
