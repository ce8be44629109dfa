import Foundation

extension APIRequest {
    /// The credentials of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1), or nil
    /// when the header is missing, names another scheme or carries no token. The one parser for restaurant keys and
    /// the admin token.
    public var bearerToken: String? {
        let parts = header("authorization")?.split(separator: " ", maxSplits: 1) ?? []
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
