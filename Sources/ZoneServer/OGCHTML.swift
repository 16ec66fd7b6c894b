import Foundation
import ZoneGeometry

/// The HTML encoding of the OGC API resources (`f=html`, or a browser's `Accept: text/html`):
/// small pages with the same content as the JSON, tables for features, and a Leaflet map (served
/// locally from `/leaflet/`) of the features shown.
enum OGCHTML {
    static func esc(_ s: String) -> String {
        var o = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.unicodeScalars.append(c)
            }
        }
        return o
    }

    static func page(_ title: String, _ body: String, map: Bool = false) -> String {
        let leaflet = map ? "<link rel=\"stylesheet\" href=\"/leaflet/leaflet.css\"><script src=\"/leaflet/leaflet.js\"></script>" : ""
        return """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(esc(title)) · ZonePlanner</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">\(leaflet)
        <style>
        body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;font-size:14px;margin:1.2em 2em;color:#222}
        nav{font-size:13px;margin-bottom:.8em}nav a{margin-right:.8em}
        table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .map{height:340px;width:100%;max-width:900px;border:1px solid #bbb;background:#eef3f7}
        .muted{color:#666}code{background:#f5f5f5;padding:0 3px}
        </style></head><body>
        <nav><a href="/?f=html">首页 home</a><a href="/collections?f=html">图层 collections</a><a href="/api?f=html">API</a><a href="/map">地图 map</a></nav>
        \(body)
        </body></html>

        """
    }

    static func linkList(_ links: JSONValue?) -> String {
        let items = (links?.arrayValue ?? []).map { l -> String in
            let href = l["href"]?.stringValue ?? "", rel = l["rel"]?.stringValue ?? "", type = l["type"]?.stringValue ?? ""
            return "<li><a href=\"\(esc(href))\" rel=\"\(esc(rel))\">\(esc(l["title"]?.stringValue ?? href))</a> <span class=\"muted\">\(esc(rel)) · \(esc(type))</span></li>"
        }
        return "<ul>" + items.joined() + "</ul>"
    }

    static func landing(_ v: JSONValue) -> String {
        let title = v["title"]?.stringValue ?? "ZonePlanner"
        return page(title, "<h1>\(esc(title))</h1><p>\(esc(v["description"]?.stringValue ?? ""))</p>" + linkList(v["links"]))
    }

    static func conformance(_ classes: [String]) -> String {
        page("conformance", "<h1>Conformance 符合性</h1><ul>" + classes.map { "<li><code>\(esc($0))</code></li>" }.joined() + "</ul>")
    }

    /// The service documentation: every path and operation of the OpenAPI document, with its parameters.
    static func apiDoc(_ doc: JSONValue) -> String {
        var h = "<h1>\(esc(doc["info"]?["title"]?.stringValue ?? "API"))</h1><p>\(esc(doc["info"]?["description"]?.stringValue ?? ""))</p>"
        h += "<p>Machine-readable: <a href=\"/api\">OpenAPI 3.0 (JSON)</a>.</p><table><tr><th>method</th><th>path</th><th>what</th><th>parameters</th></tr>"
        for path in (doc["paths"]?.objectValue ?? [:]).keys.sorted() {
            for (method, op) in (doc["paths"]?[path]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let params = (op["parameters"]?.arrayValue ?? []).map { p in
                    "<code>\(esc(p["name"]?.stringValue ?? ""))</code> \(esc(p["description"]?.stringValue ?? ""))"
                }.joined(separator: "<br>")
                h += "<tr><td>\(method.uppercased())</td><td><code>\(esc(path))</code></td><td>\(esc(op["summary"]?.stringValue ?? ""))</td><td>\(params)</td></tr>"
            }
        }
        return page("API", h + "</table>")
    }

    static func collections(_ v: JSONValue) -> String {
        var h = "<h1>图层 Collections</h1><table><tr><th>id</th><th>title</th><th>description</th><th></th></tr>"
        for c in v["collections"]?.arrayValue ?? [] {
            let id = c["id"]?.stringValue ?? ""
            h += "<tr><td><a href=\"/collections/\(esc(id))?f=html\">\(esc(id))</a></td><td>\(esc(c["title"]?.stringValue ?? ""))</td>"
            h += "<td>\(esc(c["description"]?.stringValue ?? ""))</td><td><a href=\"/collections/\(esc(id))/items?f=html\">items</a></td></tr>"
        }
        return page("collections", h + "</table>")
    }

    static func collection(_ v: JSONValue) -> String {
        let id = v["id"]?.stringValue ?? ""
        var h = "<h1>\(esc(v["title"]?.stringValue ?? id)) <span class=\"muted\">\(esc(id))</span></h1><p>\(esc(v["description"]?.stringValue ?? ""))</p>"
        if let b = v["extent"]?["spatial"]?["bbox"]?[0]?.arrayValue {
            h += "<p>extent (CRS84): \(b.compactMap(\.doubleValue).map { String(format: "%.5f", $0) }.joined(separator: ", "))</p>"
        }
        return page(id, h + linkList(v["links"]))
    }

    static func queryables(_ v: JSONValue) -> String {
        var h = "<h1>Queryables <span class=\"muted\">\(esc(v["title"]?.stringValue ?? ""))</span></h1><p>\(esc(v["description"]?.stringValue ?? ""))</p>"
        h += "<table><tr><th>property</th><th>type</th><th>values</th></tr>"
        for (name, p) in (v["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let values = (p["enum"] ?? p["examples"])?.arrayValue?.map { $0.stringValue ?? $0.serialized() }.joined(separator: ", ") ?? ""
            h += "<tr><td><code>\(esc(name))</code></td><td>\(esc(p["type"]?.stringValue ?? "text or list"))</td><td>\(esc(values))</td></tr>"
        }
        return page("queryables", h + "</table>")
    }

    static func text(_ v: JSONValue?) -> String {
        switch v {
        case .string(let s)?: return s
        case .number?: return v!.serialized()
        case .bool(let b)?: return b ? "true" : "false"
        case .array(let a)?: return a.map { $0.stringValue ?? $0.serialized() }.joined(separator: "、")
        case .object?: return v!.serialized()
        default: return ""
        }
    }

    /// `features` as a Leaflet map over the county boundaries (no tiles: the page must work without
    /// the internet). "</" is escaped so the inline GeoJSON cannot close the script.
    static func map(_ id: String, features: [[UInt8]]) -> String {
        var fc = "{\"type\":\"FeatureCollection\",\"features\":["
        fc += features.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]}"
        fc = fc.replacingOccurrences(of: "</", with: "<\\/")
        return """
        <div id="\(id)" class="map"></div>
        <script>(function(){var m=L.map('\(id)',{attributionControl:false});L.control.scale({imperial:false}).addTo(m);
        var g=L.geoJSON(\(fc),{style:{color:'#c0392b',weight:2,fillOpacity:0.15},onEachFeature:function(f,l){l.bindTooltip(String(f.properties.name||f.id))}}).addTo(m);
        var b=g.getBounds();if(b.isValid()){m.fitBounds(b,{padding:[12,12]})}else{m.setView([30.75,120.75],9)}
        document.getElementById('\(id)').setAttribute('data-shapes',String(g.getLayers().length));
        fetch('/collections/admin/items?kind=county&limit=100').then(function(r){return r.json()}).then(function(a){
        L.geoJSON(a,{style:{color:'#888',weight:1,fill:false},interactive:false}).addTo(m).bringToBack()}).catch(function(){})})();</script>
        """
    }

    static func items(collection d: CollectionData, title: String, page pageIndices: [Int], matched: Int, offset: Int,
                      next: String?, prev: String?, base: String) -> String {
        let columns = ["name"] + d.queryables.map(\.name).filter { $0 != "name" && $0 != "name_en" } + ["area_mu"]
        var h = "<h1>\(esc(title)) <span class=\"muted\">\(esc(d.name))</span></h1>"
        h += "<p>\(pageIndices.isEmpty ? 0 : offset + 1)–\(offset + pageIndices.count) of \(matched) features"
        if let prev { h += " · <a rel=\"prev\" href=\"\(esc(prev))\">previous</a>" }
        if let next { h += " · <a rel=\"next\" href=\"\(esc(next))\">next</a>" }
        h += " · <a href=\"/collections/\(esc(d.name))/items?f=json\">GeoJSON</a></p>"
        h += map("items-map", features: pageIndices.map { d.encoded[$0] })
        h += "<table class=\"features\"><tr><th>id</th>" + columns.map { "<th>\(esc($0))</th>" }.joined() + "</tr>"
        for i in pageIndices {
            let f = d.features[i]
            let id = CollectionData.idText(f.id) ?? ""
            h += "<tr class=\"feature\"><td><a href=\"/collections/\(esc(d.name))/items/\(esc(id))?f=html\">\(esc(id))</a></td>"
            h += columns.map { c in
                let v = f.properties[c]
                return v?.doubleValue != nil ? "<td class=\"num\">\(esc(text(v)))</td>" : "<td>\(esc(text(v)))</td>"
            }.joined() + "</tr>"
        }
        return page("\(d.name) items", h + "</table>", map: true)
    }

    static func item(collection d: CollectionData, index i: Int, title: String, base: String) -> String {
        let f = d.features[i]
        let id = CollectionData.idText(f.id) ?? ""
        var h = "<h1>\(esc(text(f.properties["name"]).isEmpty ? id : text(f.properties["name"]))) <span class=\"muted\">\(esc(id))</span></h1>"
        h += "<p><a href=\"/collections/\(esc(d.name))/items?f=html\">\(esc(title))</a> · <a href=\"/collections/\(esc(d.name))/items/\(esc(id))?f=json\">GeoJSON</a></p>"
        h += map("item-map", features: [d.encoded[i]])
        h += "<table class=\"properties\"><tr><th>property</th><th>value</th></tr>"
        for (k, v) in f.properties.sorted(by: { $0.key < $1.key }) {
            h += "<tr><td>\(esc(k))</td><td>\(esc(text(v)))</td></tr>"
        }
        return page("\(d.name) \(id)", h + "</table>", map: true)
    }
}
