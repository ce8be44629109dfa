/// PostgreSQL's text form of a one-dimensional `text[]` (`{a,b}`, `{"with space","quote \" here"}`), read back.
enum PostgresTextArray {
    /// The elements of `text`; `NULL` elements are left out.
    static func elements(of text: String) throws -> [String] {
        guard text.first == "{", text.last == "}" else { throw StorageError("'\(text.prefix(40))' is no text array") }
        let inner = text.dropFirst().dropLast()
        var elements: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for character in inner {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if character == ",", !quoted {
                if wasQuoted || current != "NULL" { elements.append(current) }
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        if !inner.isEmpty, wasQuoted || current != "NULL" { elements.append(current) }
        return elements
    }
}
