import Foundation
import JSON
import MenuModel
public import MenuStorage
public import Postgres

/// The restaurant's current menu: read it (JSON or CSV), and correct, add and delete its items.
///
/// Every route takes the restaurant's key (``RestaurantKeyMiddleware``); an item of another restaurant is 404 like
/// one that does not exist. Writes record who made them (the key's id) and honour `If-Match` with the item's `ETag`.
public struct MenuController {
    private let database: PostgresConnection
    private let requiresKey: Bool

    public init(database: PostgresConnection, requiresKey: Bool) {
        self.database = database
        self.requiresKey = requiresKey
    }

    public func addRoutes(to router: inout APIRouter) {
        let key = RestaurantKeyMiddleware(database: database, requiresKey: requiresKey, restaurant: .inPath)
        let menu = "/api/v1/b2b/restaurants/{restaurant_id}/menus"
        router.add("GET", menu, middleware: [key], list)
        router.add("POST", menu + "/items", middleware: [key], add)
        router.add("GET", menu + "/items/{item_id}", middleware: [key], item)
        router.add("PATCH", menu + "/items/{item_id}", middleware: [key], correct)
        router.add("DELETE", menu + "/items/{item_id}", middleware: [key], delete)
        router.add("GET", menu + "/items/{item_id}/history", middleware: [key], history)
    }

    /// `GET .../menus?needs_review=true&category=...&limit=50&offset=0&format=json|csv`
    public func list(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        // Read as a stored category was cleaned (control characters dropped): a NUL would make PostgreSQL refuse the
        // bind and the client get a 500 (issue 15: found probing the OpenAPI contract), and no stored category holds one.
        var filter = PostgresMenuStore.Filter(category: request.query["category"]?.withoutControlCharacters)
        if let value = request.query["needs_review"] {
            guard value == "true" || value == "false" else {
                throw APIError.badRequest(code: "invalid_needs_review", "needs_review must be true or false")
            }
            filter.needsReview = value == "true"
        }
        let format = request.query["format"] ?? "json"
        guard format == "json" || format == "csv" else {
            throw APIError.badRequest(code: "invalid_format", "format must be json or csv")
        }
        let store = PostgresMenuStore(connection: database)
        if format == "csv" {
            // The whole menu: an export, not a page.
            let entries = try store.menu(of: restaurant, filter: filter, limit: 10_000, offset: 0).entries
            return APIResponse(
                status: 200,
                headers: [
                    ("Content-Type", "text/csv; charset=utf-8"),
                    ("Content-Disposition", "attachment; filename=\"menu-\(restaurant.uuidString.lowercased()).csv\""),
                ], body: MenuCSV.document(entries))
        }
        let limit = try Self.integer(request.query["limit"], name: "limit", default: 50, range: 1...500)
        let offset = try Self.integer(request.query["offset"], name: "offset", default: 0, range: 0...10_000_000)
        let page = try store.menu(of: restaurant, filter: filter, limit: limit, offset: offset)
        let nextOffset: JSONValue = offset + page.entries.count < page.total ? .int(offset + page.entries.count) : .null
        return .json(
            .object([
                ("restaurant_id", .string(restaurant.uuidString.lowercased())), ("total", .int(page.total)),
                ("limit", .int(limit)), ("offset", .int(offset)), ("next_offset", nextOffset),
                ("items", .array(page.entries.map(\.responseBody))),
            ]))
    }

    /// `GET .../menus/items/{item_id}` with its `ETag`.
    public func item(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let id = try itemID(of: context)
        guard let entry = try PostgresMenuStore(connection: database).entry(id, of: restaurant), !entry.deleted else {
            throw Self.notFound(id)
        }
        return Self.answer(entry)
    }

    /// `PATCH .../menus/items/{item_id}`: a correction, stored as a new revision.
    public func correct(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let id = try itemID(of: context)
        let change = try MenuItemChange.change(from: request.body)
        let entry: MenuEntry?
        do {
            entry = try PostgresMenuStore(connection: database).correct(
                id, of: restaurant, with: change, actor: Self.actor(context),
                expectedRevision: try Self.expectedRevision(request))
        } catch let error as MenuStoreError {
            throw Self.apiError(error)
        }
        guard let entry else { throw Self.notFound(id) }
        return Self.answer(entry)
    }

    /// `POST .../menus/items`: an item the OCR missed; 201 with `Location`.
    public func add(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let item = try MenuItemChange.item(from: request.body)
        let entry: MenuEntry
        do {
            entry = try PostgresMenuStore(connection: database).add(item, to: restaurant, actor: Self.actor(context))
        } catch let error as MenuStoreError {
            throw Self.apiError(error)
        }
        var response = Self.answer(entry, status: 201)
        response.headers.append(
            (
                "Location",
                "/api/v1/b2b/restaurants/\(restaurant.uuidString.lowercased())/menus/items/\(entry.id.uuidString.lowercased())"
            ))
        return response
    }

    /// `DELETE .../menus/items/{item_id}`: 204; the item stays in history.
    public func delete(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let id = try itemID(of: context)
        let deleted: Bool
        do {
            deleted = try PostgresMenuStore(connection: database).delete(
                id, of: restaurant, actor: Self.actor(context), expectedRevision: try Self.expectedRevision(request))
        } catch let error as MenuStoreError {
            throw Self.apiError(error)
        }
        guard deleted else { throw Self.notFound(id) }
        return APIResponse(status: 204)
    }

    /// `GET .../menus/items/{item_id}/history`: every revision, the extraction first.
    public func history(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let id = try itemID(of: context)
        guard let revisions = try PostgresMenuStore(connection: database).history(of: id, restaurant: restaurant) else {
            throw Self.notFound(id)
        }
        return .json(
            .object([
                ("item_id", .string(id.uuidString.lowercased())),
                (
                    "revisions",
                    .array(
                        revisions.map {
                            .object([
                                ("revision", .int($0.revision)), ("kind", .string($0.kind)),
                                ("actor", .string($0.actor)), ("changes", $0.changes),
                                ("created_at", .string(MetricsFormat.utcTimestamp($0.createdAt))),
                            ])
                        })
                ),
            ]))
    }

    // MARK: - Pieces

    private static func answer(_ entry: MenuEntry, status: Int = 200) -> APIResponse {
        var response = APIResponse.json(entry.responseBody, status: status)
        response.headers.append(("ETag", entry.etag))
        return response
    }

    /// Who a change is recorded under: the key that let it through.
    private static func actor(_ context: RequestContext) -> String {
        context.apiKeyID.map { "key:\($0.uuidString.lowercased())" } ?? "anonymous"
    }

    /// The revision `If-Match` names (`"3"`, `W/"3"`), or nil without the header; `*` matches any.
    /// - Throws: 412 for a value that names no revision (it can match nothing).
    private static func expectedRevision(_ request: APIRequest) throws(APIError) -> Int? {
        guard let value = request.header("if-match")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if value == "*" { return nil }
        var tag = Substring(value)
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        guard tag.count >= 3, tag.first == "\"", tag.last == "\"", let revision = Int(tag.dropFirst().dropLast())
        else {
            throw precondition("If-Match must be the item's ETag (e.g. \"3\")")
        }
        return revision
    }

    private static func apiError(_ error: MenuStoreError) -> APIError {
        switch error.code {
        case .stale: precondition(error.message)
        case .duplicate: APIError(status: 409, code: "duplicate_item", message: error.message)
        }
    }

    private static func precondition(_ message: String) -> APIError {
        APIError(status: 412, code: "precondition_failed", message: message)
    }

    private static func notFound(_ id: UUID) -> APIError {
        APIError(status: 404, code: "item_not_found", message: "The menu has no item \(id.uuidString.lowercased())")
    }

    private func restaurant(of context: RequestContext) throws -> UUID {
        guard let restaurant = context.restaurant else { throw RouteWithoutKeyMiddleware() }
        return restaurant
    }

    private func itemID(of context: RequestContext) throws(APIError) -> UUID {
        guard let id = context.parameter("item_id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest(code: "invalid_item_id", "The item id must be a UUID")
        }
        return id
    }

    /// A route registered without ``RestaurantKeyMiddleware``: a bug, answered 500.
    private struct RouteWithoutKeyMiddleware: Error {}

    private static func integer(
        _ text: String?, name: String, default value: Int, range: ClosedRange<Int>
    ) throws(APIError) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest(
                code: "invalid_\(name)", "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
