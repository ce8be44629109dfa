import CLibCrypto

/// HMAC-SHA256 (RFC 2104) from OpenSSL's libcrypto: the signatures of webhook deliveries.
public enum HMACSHA256 {
    /// The authentication code of `message` under `key`: 32 bytes.
    ///
    /// - Precondition: libcrypto computes it. `HMAC` fails only when OpenSSL cannot allocate its context, which
    ///   leaves the process unable to go on anyway: a trap, not an error to handle.
    /// The corresponding C function is `HMAC`.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                code.withUnsafeMutableBufferPointer { output in
                    HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                        output.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == UInt32(SHA256.byteCount), "HMAC(SHA-256) failed: out of memory")
        return code
    }

    /// True when `a` and `b` are equal, in time that depends on their length only (a signature compared byte by
    /// byte would tell an attacker how many leading bytes were right). The corresponding C function is
    /// `CRYPTO_memcmp`.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, a.count) == 0 }
        }
    }
}
