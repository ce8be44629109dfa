extension APIRequest {
    /// The request's `Authorization` header as a ``BearerCredential``: the one parser for restaurant keys and the
    /// admin token.
    public var bearerCredential: BearerCredential {
        BearerCredential(authorization: header("authorization"))
    }
}
