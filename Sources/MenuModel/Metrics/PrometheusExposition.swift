/// Prometheus text exposition 0.0.4, one metric family at a time: a `# HELP` and a `# TYPE` line, then its samples.
///
/// The format's rules this keeps (https://prometheus.io/docs/instrumenting/exposition_formats/): each family appears
/// once, its samples follow its TYPE line, label values escape `\`, `"` and newlines. A counter's family is named with
/// its `_total` suffix, the 0.0.4 convention Prometheus 2.x parses (OpenMetrics would drop the suffix from TYPE, but
/// this route answers 0.0.4, as its `Content-Type` says).
package struct PrometheusExposition {
    /// A sample's labels and value, e.g. `([("window", "24h")], 12)`.
    package typealias Sample = (labels: [(name: String, value: String)], value: String)

    private var lines: [String] = []

    package init() {}

    /// The text so far, each line ending in a newline.
    package var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// Appends a family. A family without samples still gets its HELP and TYPE lines, so scrapers see it exists.
    package mutating func family(_ name: String, _ type: String, _ help: String, _ samples: [Sample]) {
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) \(type)")
        for sample in samples { lines.append(Self.line(name, sample)) }
    }

    /// Appends one sample of the family just started (a histogram's `_bucket`, `_sum` and `_count` series).
    package mutating func sample(_ name: String, _ sample: Sample) {
        lines.append(Self.line(name, sample))
    }

    private static func line(_ name: String, _ sample: Sample) -> String {
        guard !sample.labels.isEmpty else { return "\(name) \(sample.value)" }
        let labels = sample.labels.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",")
        return "\(name){\(labels)} \(sample.value)"
    }

    /// A label value as the format writes it: backslash, double quote and line feed escaped.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// A number as Prometheus parses it (Go's `ParseFloat`): integers plainly, others in Swift's shortest form.
    package static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        // Counts kept as doubles (a gauge's value) print as the integers they are: `6`, not `6.0`.
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return "\(Int64(value))" }
        return "\(value)"
    }
}
