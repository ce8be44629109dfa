extension Unicode.Scalar {
    /// A precomposed Hangul syllable (가 ... 힣), not a lone jamo.
    package var isHangulSyllable: Bool { (0xAC00...0xD7A3).contains(value) }
}

extension StringProtocol {
    /// True when the text holds a Hangul syllable: a Korean word, not digits, Latin letters, jamo or punctuation.
    package var containsHangul: Bool { unicodeScalars.contains(where: \.isHangulSyllable) }
}
