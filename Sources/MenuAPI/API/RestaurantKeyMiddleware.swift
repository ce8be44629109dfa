import Foundation
import MenuStorage
public import Postgres

/// Checks the restaurant API key on a B2B route before its handler runs, and hands the handler the restaurant
/// through ``RequestContext/restaurant``.
///
/// Keys: `X-API-Key: <key>` or `Authorization: Bearer <key>` (``APIRequest/bearerCredential``); `X-API-Key` wins when
/// both are sent. When keys are required (production, or `B2B_AUTH=required`) a request without one gets 401; a key
/// given is always checked, whatever the setting: an unknown key is 401 and another restaurant's key 403. A
/// credential header that is present but malformed (an empty or blank `X-API-Key`, an `Authorization` that is not
/// `Bearer <token>`) is 401 `malformed_credentials` whatever the setting, never an anonymous request (issue 15).
///
/// The checks run in the order a client fixes them, and each answer is the one the routes always gave:
/// 1. the route's restaurant: 400 `invalid_restaurant_id` (or `invalid_task_id`) for an id that is no UUID; for a
///    task route, 404 `task_not_found` when the task does not exist;
/// 2. the key: 401 `malformed_credentials`, 401 `missing_api_key`, 401 `invalid_api_key`, 403 `forbidden`;
/// 3. for a restaurant route, 404 `restaurant_not_found` when the restaurant does not exist.
///
/// ```
/// let restaurantKey = RestaurantKeyMiddleware(database: database, requiresKey: true, restaurant: .inPath)
/// router.add("GET", "/api/v1/b2b/restaurants/{restaurant_id}/menus", middleware: [restaurantKey], menus)
/// ```
public struct RestaurantKeyMiddleware: APIMiddleware {
    /// Where a route names the restaurant whose key it takes.
    public struct Restaurant: Sendable {
        fileprivate enum Base: Sendable {
            case inPath
            case ownerOfTask
        }
        fileprivate let base: Base

        /// The restaurant in the `restaurant_id` path segment, which must exist.
        public static let inPath = Restaurant(base: .inPath)
        /// The restaurant that owns the upload task in the `task_id` path segment.
        public static let ownerOfTask = Restaurant(base: .ownerOfTask)
    }

    private let database: PostgresConnection
    private let requiresKey: Bool
    private let restaurant: Restaurant

    /// - Parameters:
    ///   - database: the worker's PostgreSQL connection, where keys, restaurants and tasks are looked up.
    ///   - requiresKey: whether a request without a key is refused (`Configuration.Uploads.requiresAPIKey`).
    ///   - restaurant: where the route names its restaurant.
    public init(database: PostgresConnection, requiresKey: Bool, restaurant: Restaurant) {
        self.database = database
        self.requiresKey = requiresKey
        self.restaurant = restaurant
    }

    /// Runs the checks, then `next` with ``RequestContext/restaurant`` set.
    /// - Throws: ``APIError`` for a refusal; a storage error when a look-up fails (``APIErrorMapper`` answers 503).
    public func handle(
        _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
    ) throws -> APIResponse {
        let restaurantID = try addressedRestaurant(context)
        let owner = try keyOwner(request, for: restaurantID)
        // A matching key proves the restaurant exists (keys are deleted with their restaurant, ON DELETE CASCADE),
        // so the look-up is left out for it: one round trip less on every keyed upload.
        if self.restaurant.base == .inPath, owner == nil,
            try !PostgresRestaurantStore(connection: database).exists(restaurantID)
        {
            throw APIError(status: 404, code: "restaurant_not_found", message: "No restaurant has id \(restaurantID)")
        }
        var context = context
        context.restaurant = restaurantID
        context.apiKeyID = owner?.keyID
        return try next(request, context)
    }

    /// The restaurant the route is for: step 1.
    private func addressedRestaurant(_ context: RequestContext) throws -> UUID {
        switch restaurant.base {
        case .inPath:
            guard let id = context.parameter("restaurant_id").flatMap(UUID.init(uuidString:)) else {
                throw APIError.badRequest(code: "invalid_restaurant_id", "The restaurant id must be a UUID")
            }
            return id
        case .ownerOfTask:
            guard let id = context.parameter("task_id").flatMap(UUID.init(uuidString:)) else {
                throw APIError.badRequest(code: "invalid_task_id", "The task id must be a UUID")
            }
            guard let owner = try PostgresUploadStore(connection: database).restaurant(ofTask: id) else {
                throw APIError(status: 404, code: "task_not_found", message: "No task has id \(id)")
            }
            return owner
        }
    }

    /// The key's checks, step 2: nil when no key was sent and none is required, else the restaurant the key
    /// belongs to, which is `restaurantID`.
    private func keyOwner(_ request: APIRequest, for restaurantID: UUID) throws -> (restaurant: UUID, keyID: UUID)? {
        let key = try Self.presentedKey(request)
        guard let key else {
            guard !requiresKey else {
                throw APIError(
                    status: 401, code: "missing_api_key",
                    message: "Send the restaurant's API key as 'Authorization: Bearer <key>'",
                    headers: [("WWW-Authenticate", "Bearer")])
            }
            return nil
        }
        // The look-up is by the key's digest, so no comparison here touches the key's characters.
        guard let owner = try PostgresRestaurantStore(connection: database).owner(ofKey: key) else {
            throw APIError(
                status: 401, code: "invalid_api_key", message: "The API key is not valid",
                headers: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])
        }
        guard owner.restaurant == restaurantID else {
            throw APIError(status: 403, code: "forbidden", message: "The API key belongs to another restaurant")
        }
        return owner
    }

    /// The key the request presents, nil when it sends none. Both headers are checked even when `X-API-Key` wins,
    /// so a broken `Authorization` beside a good key is still refused rather than silently ignored.
    /// - Throws: ``APIError`` 401 `malformed_credentials` for a header that is there but holds no readable key.
    static func presentedKey(_ request: APIRequest) throws(APIError) -> String? {
        let headerKey = request.header("x-api-key")
        if let headerKey, headerKey.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .malformedCredentials("The X-API-Key header is empty; send the restaurant's API key in it")
        }
        switch request.bearerCredential {
        case .malformed:
            throw .malformedCredentials("The Authorization header must be 'Bearer <key>'")
        case .token(let token):
            return headerKey ?? token
        case .absent:
            return headerKey
        }
    }
}
