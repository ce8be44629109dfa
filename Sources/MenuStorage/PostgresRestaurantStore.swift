import Digest
public import Foundation
public import Postgres

/// Restaurants and their API keys in PostgreSQL.
///
/// Keys are `mk_` followed by 43 base64url characters (32 random bytes from the system's CSPRNG). Only their SHA-256
/// digest is stored, with a short prefix so operators can tell keys apart.
public struct PostgresRestaurantStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// A new restaurant with a first API key.
    /// - Returns: the id and the key (shown once; it cannot be read back).
    /// - Note: Blocks the calling thread until PostgreSQL answers.
    public func create(name: String) throws -> (id: UUID, apiKey: String) {
        try connection.withTransaction {
            let rows = try connection.query("INSERT INTO restaurants (name) VALUES (\(name)) RETURNING id")
            guard let row = rows.first else { throw StorageError("INSERT ... RETURNING id returned no row") }
            let id = try row.decode(UUID.self, column: "id")
            return (id, try addKey(to: id))
        }
    }

    /// A new API key for `restaurant`.
    public func addKey(to restaurant: UUID) throws -> String {
        let key = RandomToken.make(prefix: "mk_")
        try connection.query(
            """
            INSERT INTO restaurant_api_keys (restaurant_id, key_prefix, key_digest)
            VALUES (\(restaurant), \(String(key.prefix(10))), \(SHA256.hash(Array(key.utf8))))
            """)
        return key
    }

    /// True when the restaurant exists.
    public func exists(_ restaurant: UUID) throws -> Bool {
        try !connection.query("SELECT 1 FROM restaurants WHERE id = \(restaurant)").isEmpty
    }

    /// The restaurant a key belongs to, or nil for an unknown or revoked key. The lookup is by digest, so the
    /// comparison never touches the key's characters one by one (no timing signal about the key).
    public func restaurant(forKey key: String) throws -> UUID? {
        try owner(ofKey: key)?.restaurant
    }

    /// The restaurant a key belongs to and the key's own id (what a person's changes are recorded under), or nil
    /// for an unknown or revoked key.
    public func owner(ofKey key: String) throws -> (restaurant: UUID, keyID: UUID)? {
        let rows = try connection.query(
            """
            SELECT restaurant_id, id FROM restaurant_api_keys
            WHERE key_digest = \(SHA256.hash(Array(key.utf8))) AND revoked_at IS NULL
            """)
        guard let row = rows.first else { return nil }
        return (try row.decode(UUID.self, column: "restaurant_id"), try row.decode(UUID.self, column: "id"))
    }
}
