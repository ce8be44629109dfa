import Digest
import Testing

/// FIPS 180-4 test vectors, checked against `sha256sum` too: libcrypto through the wrapper.
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        ("김치찌개 8,000원", "f32f72c1ae9d3490331668bf508b85202da745e4aba580fdcebfaca094fc23f4"),
    ])
    func knownDigests(input: String, digest: String) {
        #expect(SHA256.hexHash(Array(input.utf8)) == digest)
    }

    @Test func millionAsMatchesTheStandardVector() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexHash(input) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func slicesAndNonContiguousCollectionsHashTheirOwnBytes() {
        let input = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let slice = input[100..<900]
        #expect(SHA256.hash(slice) == SHA256.hash(Array(slice)))
        #expect(SHA256.hash(input.reversed().reversed()) == SHA256.hash(input))
        #expect(SHA256.hash(slice) != SHA256.hash(input))
        #expect(SHA256.hash(slice).count == 32)
    }
}

/// RFC 4231's HMAC-SHA256 test cases: libcrypto's HMAC through the wrapper.
struct HMACSHA256Tests {
    @Test func rfc4231Case1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let code = HMACSHA256.authenticationCode(key: key, message: Array("Hi There".utf8))
        #expect(SHA256.hex(code) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func rfc4231Case2ShortKey() {
        let code = HMACSHA256.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hex(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func rfc4231Case6KeyLongerThanABlock() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let code = HMACSHA256.authenticationCode(
            key: key, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(SHA256.hex(code) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func constantTimeEqualityComparesEveryByteAndTheLength() {
        #expect(HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(HMACSHA256.constantTimeEqual([], []))
    }
}
