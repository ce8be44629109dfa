import Foundation
import Glibc

/// A URL the service may POST task results to.
///
/// Only `https://`; `http://` only to a loopback host, and only outside production (a receiver on the same machine
/// while developing). In production a host that resolves to a loopback, private, link-local, carrier-grade NAT,
/// unspecified, multicast or reserved address is refused, so that a restaurant cannot point the service at the
/// operator's own network (SSRF). The check runs when the URL is set and again before every delivery, since DNS
/// answers change.
public struct WebhookURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given.
    public let text: String
    public let host: String
    /// The port the URL names, or its scheme's.
    public let port: Int
    /// In production, the public addresses the host resolved to when checked: the delivery connects to these only
    /// (a name that resolves elsewhere a moment later, DNS rebinding, reaches nothing new). Empty outside production.
    public let checkedAddresses: [IPAddress]

    public var description: String { text }

    /// Why a URL was refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Checks `text`.
    /// - Parameter resolve: the addresses a host name resolves to (the system resolver by default); asked in
    ///   production only.
    /// - Throws: ``Refusal`` saying why.
    public init(
        _ text: String, isProduction: Bool,
        resolve: (String) -> [IPAddress] = IPAddress.resolve(_:)
    ) throws(Refusal) {
        // RFC 3986 has no space or control character in a URL, but URLComponents lets some through: a NUL reached
        // PostgreSQL, which refused the task's row (a 500; issue 15, found probing the OpenAPI contract).
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw Refusal(message: "a webhook URL may not contain spaces or control characters")
        }
        guard text.utf8.count <= 2048, let components = URLComponents(string: text), components.fragment == nil,
            let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else {
            // The refusal reaches the 400 body and the attempts' log: a password in the text must not.
            throw Refusal(message: "'\(Self.redactingUserinfo(text).prefix(100))' is not an absolute URL")
        }
        guard components.user == nil, components.password == nil else {
            throw Refusal(message: "a webhook URL may not carry credentials")
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let literal = IPAddress(bareHost)
        let isLoopbackHost = bareHost.lowercased() == "localhost" || literal?.isLoopback == true
        switch scheme {
        case "https":
            break
        case "http" where isLoopbackHost && !isProduction:
            break
        case "http":
            throw Refusal(
                message: isProduction
                    ? "webhook URLs must use https://"
                    : "webhook URLs must use https:// (http:// only to a loopback host outside production)")
        default:
            throw Refusal(message: "webhook URLs must use https://")
        }
        var addresses: [IPAddress] = []
        if isProduction {
            addresses = literal.map { [$0] } ?? resolve(bareHost)
            guard !addresses.isEmpty else { throw Refusal(message: "\(bareHost) does not resolve") }
            if let nonPublic = addresses.first(where: { !$0.isPublic }) {
                throw Refusal(message: "\(bareHost) resolves to \(nonPublic), an address that is not public")
            }
        }
        self.text = text
        self.host = bareHost
        port = components.port ?? (scheme == "https" ? 443 : 80)
        checkedAddresses = addresses
    }

    /// `text` with everything between `://` and the last `@` before any query replaced by `<redacted>`:
    /// `https://u:p@host/x` becomes `https://<redacted>@host/x`. Works on text that is no valid URL, since that
    /// is what a refusal quotes, and errs towards hiding: a password may hold a `/`, so the `@` is looked for past
    /// the first `/` too (a path with an `@` in it is hidden as well).
    static func redactingUserinfo(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let authorityStart = schemeEnd.upperBound
        let queryStart = text[authorityStart...].firstIndex { "?#".contains($0) } ?? text.endIndex
        guard let at = text[authorityStart..<queryStart].lastIndex(of: "@") else { return text }
        return text[..<authorityStart] + "<redacted>" + text[at...]
    }
}
