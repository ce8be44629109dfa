import Digest
public import Foundation

/// The `X-Menu-Api-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
///
/// The timestamp is signed with the body, so a receiver that rejects an old `t` (five minutes is usual) cannot be
/// fed a recorded delivery again. The README shows a receiver's check; ``verify(_:secret:body:now:tolerance:)`` is
/// the same check in Swift.
public enum WebhookSignature {
    /// The header value for `body` sent at `timestamp`.
    public static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(SHA256.hex(code(secret: secret, timestamp: timestamp, body: body)))"
    }

    /// True when `header` signs `body` with `secret` and its `t` is within `tolerance` of `now`.
    public static func verify(
        _ header: String, secret: String, body: [UInt8], now: Date = Date(), tolerance: Duration = .seconds(300)
    ) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= Double(tolerance.components.seconds)
        else { return false }
        let expected = Array(SHA256.hex(code(secret: secret, timestamp: timestamp, body: body)).utf8)
        return signatures.contains { HMACSHA256.constantTimeEqual(Array($0.utf8), expected) }
    }

    private static func code(secret: String, timestamp: Int, body: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
    }
}
