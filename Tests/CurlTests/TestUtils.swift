import Curl
import Foundation
import MenuKnowledgeTesting

/// Clients for the tests, made after libcurl's process-wide initialisation.
enum TestClients {
    /// `curl_global_init` must run once before the first handle; Swift runs a static `let` initialiser exactly once,
    /// whatever the threads.
    private static let startup = Result { () throws(CurlError) in try Curl.initializeLibrary() }

    /// A fresh client (its own easy handle, so no connection is shared with another test).
    static func make(maxResponseBytes: Int = 8 << 20) throws -> HTTPClient {
        try startup.get()
        return try HTTPClient(maxResponseBytes: maxResponseBytes)
    }
}

/// Sends and returns the error, or nil when a response came back.
func failure(of client: HTTPClient, _ request: HTTPClientRequest, timeout: Duration = .seconds(10)) -> HTTPClientError?
{
    do {
        _ = try client.send(request, timeout: timeout)
        return nil
    } catch {
        return error
    }
}

/// Bodies built by hand, byte for byte.
enum WireBodies {
    /// Every byte value, NUL, CR and LF included, repeated to `count` bytes.
    static func binary(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 256) }
    }

    /// `body` in `Transfer-Encoding: chunked` framing, `chunkSize` bytes per chunk (RFC 9112 §7.1).
    static func chunked(_ body: [UInt8], chunkSize: Int) -> [UInt8] {
        var framed: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + chunkSize)
            framed += Array((String(end - offset, radix: 16) + "\r\n").utf8) + body[offset..<end] + [13, 10]
            offset = end
        }
        return framed + Array("0\r\n\r\n".utf8)
    }

    /// `body` as a gzip member (RFC 1952) holding one stored deflate block (RFC 1951 §3.2.4): valid gzip that any
    /// decoder reads, built without a compressor.
    static func gzipStored(_ body: [UInt8]) -> [UInt8] {
        precondition(body.count <= 0xFFFF, "one stored block holds at most 65,535 bytes")
        let length = UInt16(body.count)
        var member: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        member += [1] + littleEndian(UInt32(length), bytes: 2) + littleEndian(UInt32(~length), bytes: 2)
        member += body
        member += littleEndian(crc32(body), bytes: 4) + littleEndian(UInt32(body.count), bytes: 4)
        return member
    }

    private static func littleEndian(_ value: UInt32, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// CRC-32 (IEEE, reflected 0xEDB88320), as gzip's trailer wants it.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
