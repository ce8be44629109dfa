import Foundation

/// Secrets the service issues (API keys, webhook signing secrets): a prefix that tells them apart, then 32 bytes
/// from the system's CSPRNG in base64url (43 characters, no padding).
enum RandomToken {
    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix
            + Data(random).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
