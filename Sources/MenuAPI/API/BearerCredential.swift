import JSON

/// What a request's `Authorization` header says, read once for restaurant keys and the admin token.
///
/// Issue 15: a credential that is present but cannot be read (`Authorization: Bearer` with no token, another scheme
/// such as `Basic`, a token with spaces or control characters) used to count as no credential, so a route where keys
/// are optional served it anonymously. It is ``malformed`` now, which the middlewares answer with 401, whatever the
/// setting: a client that meant to authenticate learns its header is wrong instead of being served as nobody.
public enum BearerCredential: Equatable, Sendable {
    /// No `Authorization` header.
    case absent
    /// `Bearer <token>`: the scheme case-insensitive (RFC 9110 §11.1), the token visible ASCII.
    case token(String)
    /// A header that is there but is not a bearer token.
    case malformed

    /// Reads an `Authorization` header value; nil is ``absent``.
    ///
    /// The token is any run of visible ASCII (RFC 9110 `VCHAR`): a superset of RFC 6750's `b64token`, because an
    /// operator's `ADMIN_TOKEN` may hold any such character, and a stricter check would lock it out.
    public init(authorization: String?) {
        guard let authorization else {
            self = .absent
            return
        }
        let trimmed = authorization.utf8.drop { $0 == .space || $0 == .tab }
        guard let schemeEnd = trimmed.firstIndex(where: { $0 == .space || $0 == .tab }),
            String(decoding: trimmed[..<schemeEnd], as: UTF8.self).lowercased() == "bearer"
        else {
            self = .malformed
            return
        }
        var token = trimmed[schemeEnd...].drop { $0 == .space || $0 == .tab }
        while let last = token.last, last == .space || last == .tab { token = token.dropLast() }
        guard !token.isEmpty, token.allSatisfy({ $0 > .space && $0 < 0x7F }) else {
            self = .malformed
            return
        }
        self = .token(String(decoding: token, as: UTF8.self))
    }
}
