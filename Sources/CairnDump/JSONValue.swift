import Foundation

/// A JSON value with its object keys in a fixed order, so output is stable
/// (golden files) and reads in the order the docs describe.
///
/// Binary-safe strings (docs/FORMAT.md, "cairn-dump JSON"): bytes that are
/// valid UTF-8 are a JSON string; any other bytes are `{"base64": "..."}`.
enum JSONValue {
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Bytes as the binary-safe encoding above.
    static func bytes(_ bytes: [UInt8]) -> JSONValue {
        if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
        return .object([("base64", .string(Data(bytes).base64EncodedString()))])
    }

    static func optional(_ value: Int64?) -> JSONValue { value.map { .int($0) } ?? .null }
    static func optional(_ value: UInt64?) -> JSONValue { value.map { .uint($0) } ?? .null }
    static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// One line of JSON, no spaces.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let text): JSONValue.quote(text, to: &out)
        case .int(let number): out += String(number)
        case .uint(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                JSONValue.quote(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
