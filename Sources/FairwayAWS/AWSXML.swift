import Foundation

/// Just enough XML for STS's answers and the query protocol's errors: the content of the first
/// element with a given name, whatever its namespace prefix, attributes or surrounding white space,
/// with entities and CDATA decoded. Not a parser: nested elements of the same name are not supported,
/// and none of STS's answers has them.
enum AWSXML {
    /// The raw content between `<name ...>` and `</name>`, or "" for `<name/>`; nil when absent.
    static func element(_ name: String, in xml: String) -> String? {
        var searchFrom = xml.startIndex
        while let open = xml.range(of: "<", range: searchFrom..<xml.endIndex) {
            searchFrom = open.upperBound
            guard let close = xml.range(of: ">", range: open.upperBound..<xml.endIndex) else { return nil }
            var tag = xml[open.upperBound..<close.lowerBound]
            let selfClosing = tag.hasSuffix("/")
            if selfClosing { tag = tag.dropLast() }
            let qualified = tag.prefix { !$0.isWhitespace }
            let local = qualified.split(separator: ":", maxSplits: 1).last ?? qualified
            guard local == name, !qualified.hasPrefix("/"), !qualified.hasPrefix("?"), !qualified.hasPrefix("!") else { continue }
            if selfClosing { return "" }
            guard let end = xml.range(of: "</\(qualified)", range: close.upperBound..<xml.endIndex) else { return nil }
            return String(xml[close.upperBound..<end.lowerBound])
        }
        return nil
    }

    /// The text of the first element named `name`, trimmed, entities decoded; nil when absent.
    static func text(_ name: String, in xml: String) -> String? {
        guard let raw = element(name, in: xml) else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("<![CDATA["), trimmed.hasSuffix("]]>") {
            return String(trimmed.dropFirst(9).dropLast(3))
        }
        return decodeEntities(trimmed)
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10 else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                } else {
                    scalar = nil
                }
                if let scalar { out.unicodeScalars.append(scalar) } else { out += "&\(entity);" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}
