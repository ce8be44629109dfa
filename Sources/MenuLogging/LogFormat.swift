/// How log lines are written (`LOG_FORMAT`): `logfmt` for people and `grep`, `json` for log shippers.
///
/// Both carry the same fields in the same order: `ts`, `level`, `msg`, then the metadata sorted by key.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `ts=2026-12-02T15:04:05.123Z level=info msg="Request answered" mke.request.id=...`: one line per event,
    /// values quoted only when they must be.
    case logfmt
    /// One JSON object per line, keys in the same order as logfmt.
    case json
}
