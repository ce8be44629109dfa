extension String {
    /// Without C0 control characters (NUL, escape, ...) and DEL; tabs and line breaks become spaces. Text from
    /// clients and providers passes through this before it is stored: PostgreSQL refuses NUL in text and jsonb, and
    /// control characters in a file or dish name are never meant.
    public var withoutControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: scalars.append(" ")
            case 0x00..<0x20, 0x7F: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
