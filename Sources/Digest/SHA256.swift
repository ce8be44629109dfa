import CLibCrypto

/// SHA-256 from OpenSSL's libcrypto: cache keys (a digest of every uploaded image), result hashes and API-key
/// digests. libcrypto uses the CPU's SHA extensions where there are some: about 10x a portable implementation, which
/// matters when every upload of a 10 MB photo is hashed before the cache can answer.
public enum SHA256 {
    /// Digest length in bytes.
    public static let byteCount = 32

    /// The digest of `bytes`.
    ///
    /// - Precondition: libcrypto computes the digest. `EVP_Digest` fails only when OpenSSL cannot allocate its
    ///   context, which leaves the process unable to go on anyway: a trap, not an error to handle.
    /// The corresponding C function is `EVP_Digest`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ digest(of: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { digest(of: $0) }
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hexHash(_ bytes: some Collection<UInt8>) -> String {
        hex(hash(bytes))
    }

    /// Lower-case hex of any bytes.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func digest(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == UInt32(byteCount), "EVP_Digest(SHA-256) failed: out of memory")
        return digest
    }
}
