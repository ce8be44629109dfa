import Foundation
import MenuAPI
import MenuKnowledgeTesting
import Postgres

/// The body of `response` as text.
func text(of response: APIResponse) -> String { String(decoding: response.body, as: UTF8.self) }

/// A scratch schema with the shipped migrations, and a connection to it; `body` runs, then both are gone.
func withMigratedSchema<Result>(_ body: (PostgresConnection) throws -> Result) throws -> Result {
    let schema = try ScratchSchema()
    defer { schema.drop() }
    let connection = try schema.makeMigratedConnection()
    defer { connection.close() }
    return try body(connection)
}
