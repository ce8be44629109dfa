extension MenuItem {
    /// What two readings of the same dish share: the name without spaces, the punctuation and leader marks OCR
    /// leaves around names (dots, middle dots, dashes, stars, brackets' leftovers), and Latin case.
    public var dishKey: String { Self.dishKey(of: nameKorean) }

    /// ``dishKey`` of any name (a person's correction too).
    public static func dishKey(of name: String) -> String {
        let noise: Set<Character> = [
            " ", "\t", "\n", ".", "·", "•", "ㆍ", "-", "–", "—", "_", "~", "*", "★", "☆", "'", "\"", "`", ",", ":", ";",
            "|", "(", ")", "[", "]",
        ]
        return String(name.filter { !noise.contains($0) && !$0.isWhitespace }).lowercased()
    }
}
