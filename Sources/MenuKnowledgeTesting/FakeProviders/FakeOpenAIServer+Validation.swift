import Foundation
import JSON

extension FakeOpenAIServer {
    /// What a request must look like (docs/providers.md), and the first image it carries.
    struct Inspection {
        var problems: [String] = []
        var image: [UInt8]?
    }

    /// The `image_url.detail` values we accept: the contract says to always send an explicit level, never `auto`.
    static let allowedDetails: Set<String> = ["low", "high"]

    /// Checks `request` against the contract; every violation becomes one problem message.
    static func inspect(_ request: FakeHTTPRequest, apiKey: String, model: String) -> Inspection {
        var inspection = Inspection()
        func problem(_ text: String) { inspection.problems.append(text) }

        if request.method != "POST" { problem("method is \(request.method), expected POST") }
        if request.path != "/v1/chat/completions" {
            problem("path is \(request.path), expected /v1/chat/completions")
        }
        switch request.header("authorization") {
        case nil: problem("Authorization header is missing")
        case "Bearer \(apiKey)": break
        default: problem("Authorization header is not `Bearer <the configured API key>`")
        }
        if let contentType = request.header("content-type") {
            let mediaType = contentType.split(separator: ";").first.map(String.init) ?? ""
            if mediaType.trimmingCharacters(in: .whitespaces).lowercased() != "application/json" {
                problem("Content-Type is \(contentType), expected application/json")
            }
        } else {
            problem("Content-Type header is missing, expected application/json")
        }
        guard let body = JSONValue.parsed(request.body), body.object != nil else {
            problem("body is not a JSON object: \(request.text.prefix(120))")
            return inspection
        }

        if body["model"]?.string != model {
            problem("model is \(body["model"]?.summary ?? "missing"), expected \"\(model)\"")
        }
        if body["temperature"]?.number != 0 {
            problem("temperature is \(body["temperature"]?.summary ?? "missing"), expected exactly 0")
        }
        if body["logprobs"] != .bool(true) {
            problem("logprobs is \(body["logprobs"]?.summary ?? "missing"), expected true")
        }
        if let top = body["top_logprobs"], top != .null, !(0...20).contains(top.int ?? -1) {
            problem("top_logprobs is \(top.summary), expected an integer 0…20")
        }
        if let stream = body["stream"], stream != .bool(false) {
            problem("stream is \(stream.summary), expected absent or false")
        }
        if body["max_tokens"] != nil && body["max_completion_tokens"] != nil {
            problem("both max_tokens and max_completion_tokens are sent; send only max_completion_tokens")
        }
        inspection.problems += responseFormatProblems(body["response_format"])
        let (messageProblems, image) = messagesProblems(body["messages"])
        inspection.problems += messageProblems
        inspection.image = image
        return inspection
    }

    /// Structured Outputs (docs/providers.md): strict `json_schema` with a valid name and an object root.
    static func responseFormatProblems(_ format: JSONValue?) -> [String] {
        guard let format else { return ["response_format is missing, expected type json_schema"] }
        var problems: [String] = []
        if format["type"]?.string != "json_schema" {
            problems.append("response_format.type is \(format["type"]?.summary ?? "missing"), expected json_schema")
        }
        guard let jsonSchema = format["json_schema"], jsonSchema.object != nil else {
            return problems + ["response_format.json_schema is missing or not an object"]
        }
        if jsonSchema["strict"] != .bool(true) {
            problems.append(
                "response_format.json_schema.strict is \(jsonSchema["strict"]?.summary ?? "missing"), expected true")
        }
        let name = jsonSchema["name"]?.string ?? ""
        let nameCharacters = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        if name.isEmpty || name.count > 64 || !name.unicodeScalars.allSatisfy(nameCharacters.contains) {
            let found = jsonSchema["name"]?.summary ?? "missing"
            problems.append("response_format.json_schema.name is \(found), expected 1–64 of a-z A-Z 0-9 _ -")
        }
        guard let schema = jsonSchema["schema"], schema.object != nil else {
            return problems + ["response_format.json_schema.schema is missing or not an object"]
        }
        if schema["type"] != .string("object") {
            problems.append("schema root type is \(schema["type"]?.summary ?? "missing"), expected \"object\"")
        }
        strictSchemaProblems(schema, at: "schema", into: &problems)
        return problems
    }

    /// Strict mode's rules for every object schema (docs/providers.md): `additionalProperties: false` and every property
    /// listed in `required`. The real API rejects a schema that breaks them with a 400.
    static func strictSchemaProblems(_ schema: JSONValue, at path: String, into problems: inout [String]) {
        guard schema.object != nil else { return }
        let types = schema["type"]?.array?.compactMap(\.string) ?? [schema["type"]?.string].compactMap { $0 }
        if types.contains("object") {
            if schema["additionalProperties"] != .bool(false) {
                problems.append("\(path): additionalProperties must be false in strict mode")
            }
            let properties = schema["properties"]?.object ?? [:]
            let required = Set(schema["required"]?.array?.compactMap(\.string) ?? [])
            let missing = properties.keys.filter { !required.contains($0) }.sorted()
            if !missing.isEmpty {
                problems.append("\(path): properties \(missing) are not listed in required (strict mode)")
            }
        }
        for (key, property) in (schema["properties"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            strictSchemaProblems(property, at: "\(path).properties.\(key)", into: &problems)
        }
        if let items = schema["items"] { strictSchemaProblems(items, at: "\(path).items", into: &problems) }
        for (index, branch) in (schema["anyOf"]?.array ?? []).enumerated() {
            strictSchemaProblems(branch, at: "\(path).anyOf[\(index)]", into: &problems)
        }
        for container in ["$defs", "definitions"] {
            for (key, definition) in (schema[container]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                strictSchemaProblems(definition, at: "\(path).\(container).\(key)", into: &problems)
            }
        }
    }

    /// The messages (contract §3, §3.1): a user message with a text part and a JPEG data-URL image with an explicit
    /// detail. Returns the problems and the first decodable image.
    static func messagesProblems(_ messages: JSONValue?) -> ([String], [UInt8]?) {
        guard let messages = messages?.array, !messages.isEmpty else {
            return (["messages is missing or empty"], nil)
        }
        var problems: [String] = []
        var image: [UInt8]?
        var hasTextPart = false
        var hasImagePart = false
        let roles: Set<String> = ["system", "developer", "user", "assistant", "tool"]
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.string, roles.contains(role) else {
                problems.append("messages[\(index)].role is \(message["role"]?.summary ?? "missing")")
                continue
            }
            guard role == "user" else { continue }
            guard let parts = message["content"]?.array else {
                let found = message["content"]?.summary ?? "missing"
                problems.append("messages[\(index)].content is \(found), expected an array of parts")
                continue
            }
            for (partIndex, part) in parts.enumerated() {
                let location = "messages[\(index)].content[\(partIndex)]"
                switch part["type"]?.string {
                case "text":
                    if part["text"]?.string?.isEmpty == false {
                        hasTextPart = true
                    } else {
                        problems.append("\(location).text is missing or empty")
                    }
                case "image_url":
                    hasImagePart = true
                    let (partProblems, bytes) = imagePartProblems(part["image_url"], at: "\(location).image_url")
                    problems += partProblems
                    if image == nil { image = bytes }
                default:
                    problems.append(
                        "\(location).type is \(part["type"]?.summary ?? "missing"), expected text or image_url")
                }
            }
        }
        if !hasTextPart { problems.append("no user message has a text part") }
        if !hasImagePart { problems.append("no user message has an image_url part") }
        return (problems, image)
    }

    /// One `image_url` object: a single-line standard base64 JPEG data URL and `detail` low or high.
    static func imagePartProblems(_ imageURL: JSONValue?, at path: String) -> ([String], [UInt8]?) {
        guard let imageURL, imageURL.object != nil else { return (["\(path) is missing or not an object"], nil) }
        var problems: [String] = []
        var image: [UInt8]?
        let prefix = "data:image/jpeg;base64,"
        if let url = imageURL["url"]?.string, url.hasPrefix(prefix) {
            if let data = Data(base64Encoded: String(url.dropFirst(prefix.count))) {
                let bytes = [UInt8](data)
                if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
                    image = bytes
                } else {
                    problems.append("\(path).url decodes to bytes that are not a JPEG (no FF D8 FF)")
                }
            } else {
                problems.append("\(path).url is not standard padded single-line base64 after the prefix")
            }
        } else {
            problems.append("\(path).url is \(imageURL["url"]?.summary ?? "missing"), expected \(prefix)…")
        }
        // Explicit, and a level whose cost we can compute: what `auto` picks is undocumented (docs/providers.md).
        if !(imageURL["detail"]?.string.map(allowedDetails.contains) ?? false) {
            problems.append(
                "\(path).detail is \(imageURL["detail"]?.summary ?? "missing"), expected \"low\" or \"high\"")
        }
        return (problems, image)
    }
}
