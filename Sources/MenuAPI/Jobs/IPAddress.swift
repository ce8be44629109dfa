import Glibc

/// An IPv4 or IPv6 address, and which kind of network it belongs to.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes.
    public let bytes: [UInt8]

    /// Parses a numeric address; nil for anything else (host names included).
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    public var isLoopback: Bool {
        if let v4 = ipv4 { return v4[0] == 127 }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// The IPv4 address itself, or the one an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) carries.
    private var ipv4: [UInt8]? {
        if bytes.count == 4 { return bytes }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return Array(bytes[12..<16])
        }
        return nil
    }

    /// False for loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT, unspecified, multicast,
    /// documentation and reserved ranges: addresses a webhook must never reach in production.
    public var isPublic: Bool {
        if let v4 = ipv4 {
            switch (v4[0], v4[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return false
            case (172, 16...31), (100, 64...127), (198, 18...19): return false
            case (192, 0) where v4[2] == 0 || v4[2] == 2: return false
            case (198, 51) where v4[2] == 100: return false
            case (203, 0) where v4[2] == 113: return false
            case (224...255, _): return false
            default: return true
            }
        }
        if bytes.allSatisfy({ $0 == 0 }) || isLoopback { return false }
        // IPv6 forms that carry an IPv4 address are judged by it: NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return IPAddress(bytes: Array(bytes[12..<16])).isPublic
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])).isPublic }
        switch bytes[0] {
        case 0x00: return false  // ::/8: IPv4-compatible (::a.b.c.d), IPv4-translated and other reserved forms
        case 0xfc, 0xfd, 0xff: return false  // unique local, multicast
        case 0xfe where bytes[1] & 0xc0 == 0x80: return false  // link-local fe80::/10
        case 0xfe where bytes[1] & 0xc0 == 0xc0: return false  // site-local fec0::/10 (deprecated, still internal)
        case 0x20 where bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8: return false  // documentation
        default: return true
        }
    }

    /// Every address `host` resolves to (A and AAAA); empty when it does not resolve.
    public static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(current.pointee.ai_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }))
                    }
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}
