import FairwayFairness

/// Draws GPU allocations as an SVG a reviewer can open in a pull request: per class, for each
/// tenant, three bars on one scale (guarantee, ideal fair point, demand) and the predicted band
/// (the least to the most Kueue lets it hold) drawn over them, the class capacity, the max-share
/// line labelled, and a class whose policy cannot hold marked as infeasible.
public enum FairnessSVG {
    static let width = 760
    static let labelWidth = 150
    static let barHeight = 9
    static let tenantHeight = 36
    static let colors = (guarantee: "#4c78a8", target: "#59a14f", demand: "#e15759", band: "#f28e2b")

    public static func render(_ classes: [ClassAllocation]) -> String {
        var body = ""
        var y = 40
        for c in classes {
            body += classBlock(c, top: y)
            y += 40 + c.tenants.count * tenantHeight + 20
        }
        let height = max(y, 80)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="10" y="20" font-size="15" font-weight="bold">GPU allocation per class</text>
            \(legend())
            """
        svg += body + "</svg>\n"
        return svg
    }

    static func legend() -> String {
        let items = [("guaranteed", colors.guarantee), ("fair point", colors.target), ("demand", colors.demand),
                     ("predicted (Kueue)", colors.band)]
        return items.enumerated().map { i, item in
            let x = 250 + i * 120
            return "<rect x=\"\(x)\" y=\"10\" width=\"12\" height=\"12\" fill=\"\(item.1)\"/><text x=\"\(x + 16)\" y=\"20\">\(item.0)</text>\n"
        }.joined()
    }

    static func classBlock(_ c: ClassAllocation, top: Int) -> String {
        let scaleMax = max(c.capacity, c.tenants.map { max($0.demand, $0.guaranteed, $0.target) }.max() ?? 0, 1)
        let plot = width - labelWidth - 40
        func length(_ value: Int) -> Int { value * plot / scaleMax }
        var out = "<text x=\"10\" y=\"\(top + 16)\" font-weight=\"bold\">\(escape(c.gpuClass)): capacity \(c.capacity) \(escape(c.unit))"
            + (c.maxSharePercent.map { ", max share \($0)%" } ?? "") + "</text>\n"
        if !c.feasible {
            out += "<text x=\"\(width - 10)\" y=\"\(top + 16)\" fill=\"#c00\" font-weight=\"bold\" text-anchor=\"end\">infeasible: the policy cannot hold (see diagnostics)</text>\n"
        }
        let capacityX = labelWidth + length(c.capacity)
        let bottom = top + 30 + c.tenants.count * tenantHeight
        out += "<line x1=\"\(capacityX)\" y1=\"\(top + 22)\" x2=\"\(capacityX)\" y2=\"\(bottom)\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n"
        out += "<text x=\"\(capacityX - 3)\" y=\"\(top + 30)\" fill=\"#333\" text-anchor=\"end\">capacity \(c.capacity)</text>\n"
        if let percent = c.maxSharePercent {
            let capX = labelWidth + length(c.capacity * percent / 100)
            out += "<line x1=\"\(capX)\" y1=\"\(top + 34)\" x2=\"\(capX)\" y2=\"\(bottom)\" stroke=\"#999\" stroke-dasharray=\"2 3\">"
                + "<title>max share: \(c.capacity * percent / 100)</title></line>\n"
            out += "<text x=\"\(capX + 3)\" y=\"\(top + 42)\" fill=\"#666\" font-size=\"9\">max share \(c.capacity * percent / 100)</text>\n"
        }
        for (i, t) in c.tenants.enumerated() {
            let y = top + 30 + i * tenantHeight
            out += "<text x=\"10\" y=\"\(y + 17)\">\(escape(t.tenant))</text>\n"
            let bars = [(t.guaranteed, colors.guarantee, "guaranteed"), (t.target, colors.target, "target"),
                        (t.demand, colors.demand, "demand")]
            for (n, bar) in bars.enumerated() {
                let barY = y + n * (barHeight + 1)
                out += "<rect x=\"\(labelWidth)\" y=\"\(barY)\" width=\"\(length(bar.0))\" height=\"\(barHeight)\" fill=\"\(bar.1)\">"
                    + "<title>\(escape(t.tenant)) \(bar.2): \(bar.0)</title></rect>\n"
                out += "<text x=\"\(labelWidth + length(bar.0) + 4)\" y=\"\(barY + barHeight - 1)\" font-size=\"9\">\(bar.0)</text>\n"
            }
            if let band = t.predicted {
                let x = labelWidth + length(band.min), bandWidth = max(2, length(band.max) - length(band.min))
                let range = band.min == band.max ? "\(band.min)" : "\(band.min)-\(band.max)"
                out += "<rect x=\"\(x)\" y=\"\(y - 1)\" width=\"\(bandWidth)\" height=\"\(3 * (barHeight + 1) + 1)\" fill=\"\(colors.band)\" "
                    + "fill-opacity=\"0.35\" stroke=\"\(colors.band)\"><title>\(escape(t.tenant)) predicted by Kueue: \(range)</title></rect>\n"
                out += "<text x=\"\(x + bandWidth + 4)\" y=\"\(y + 26)\" font-size=\"9\" fill=\"#b35c00\">Kueue \(range)</text>\n"
            }
        }
        return out
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for character in s {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
