import Foundation
import Glibc
import MenuKnowledgeTesting

/// FastCGI records built by hand (FastCGI 1.0 spec §3.3), the way nginx sends them.
enum FastCGIRecords {
    static let beginRequest: UInt8 = 1, endRequest: UInt8 = 3, params: UInt8 = 4, stdin: UInt8 = 5, stdout: UInt8 = 6

    static func record(_ type: UInt8, requestID: UInt16 = 1, _ content: [UInt8]) -> [UInt8] {
        let padding = (8 - content.count % 8) % 8
        return [
            1, type, UInt8(requestID >> 8), UInt8(requestID & 0xFF), UInt8(content.count >> 8),
            UInt8(content.count & 0xFF),
            UInt8(padding), 0,
        ] + content + Array(repeating: 0, count: padding)
    }

    static func length(_ count: Int) -> [UInt8] {
        count < 128
            ? [UInt8(count)]
            : [
                UInt8(0x80 | (count >> 24) & 0x7F), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF),
                UInt8(count & 0xFF),
            ]
    }

    /// A whole request: BEGIN_REQUEST (responder role, keep-conn), PARAMS, STDIN in 60000-byte records, empty STDIN.
    static func request(parameters: [(String, String)], body: [UInt8], keepConnection: Bool = true) -> [UInt8] {
        var bytes = record(beginRequest, [0, 1, keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
        var pairs: [UInt8] = []
        for (name, value) in parameters {
            pairs += length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        bytes += record(params, pairs) + record(params, [])
        var offset = 0
        while offset < body.count {
            let end = min(offset + 60_000, body.count)
            bytes += record(stdin, Array(body[offset..<end]))
            offset = end
        }
        return bytes + record(stdin, [])
    }
}

/// A client connection to a responder's unix socket, speaking raw FastCGI.
final class FastCGITestConnection {
    let descriptor: Int32

    init(socketPath: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw TestEnvironmentError(description: "connect(\(socketPath)) failed: errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Sends a request and returns the concatenated STDOUT content once END_REQUEST arrives.
    func exchange(_ request: [UInt8]) throws -> String {
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestEnvironmentError(description: "send failed: errno \(errno)") }
            offset += sent
        }
        var output: [UInt8] = []
        while true {
            let header = try read(8)
            let contentLength = Int(header[4]) << 8 | Int(header[5])
            let content = try read(contentLength + Int(header[6]))
            if header[1] == FastCGIRecords.stdout { output += content[0..<contentLength] }
            if header[1] == FastCGIRecords.endRequest { return String(decoding: output, as: UTF8.self) }
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let chunk = bytes[received...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard chunk > 0 else {
                throw TestEnvironmentError(description: "connection closed after \(received) of \(count) bytes")
            }
            received += chunk
        }
        return bytes
    }
}
