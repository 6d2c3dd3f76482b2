import Cairn
import CairnRESP

extension Reply {
    /// Encodes this reply for the connection's protocol: the one place that
    /// maps the engine's `Reply` onto RESP, so RESP2's downgrades (map as a
    /// flat array, double as a bulk, boolean as an integer, null bulk vs
    /// null array) follow Redis's `addReply*` functions through `RESPWriter`.
    ///
    /// ```swift
    /// var writer = RESPWriter(version: .resp2)
    /// Reply.map([.bulk(Array("a".utf8)), .integer(1)]).write(to: &writer)
    /// // writer.buffer == "*2\r\n$1\r\na\r\n:1\r\n"
    /// ```
    public func write(to writer: inout RESPWriter) {
        switch self {
        case .simple(let text): writer.simpleString(text)
        case .error(let line): writer.errorLine(line)
        case .integer(let value): writer.integer(value)
        case .bulk(let bytes): writer.bulk(bytes)
        case .null: writer.null()
        case .nullArray: writer.nullArray()
        case .array(let elements):
            writer.arrayHeader(count: elements.count)
            for element in elements { element.write(to: &writer) }
        case .map(let flat):
            // `.map` holds key, value, key, value, ...: the header counts pairs.
            writer.mapHeader(count: flat.count / 2)
            for element in flat { element.write(to: &writer) }
        case .set(let elements):
            writer.setHeader(count: elements.count)
            for element in elements { element.write(to: &writer) }
        case .double(let value): writer.double(value)
        case .boolean(let value): writer.boolean(value)
        case .bigNumber(let digits): writer.bigNumber(digits)
        case .verbatim(let format, let text): writer.verbatim(format: format, text: text)
        case .push(let elements):
            writer.pushHeader(count: elements.count)
            for element in elements { element.write(to: &writer) }
        }
    }
}
