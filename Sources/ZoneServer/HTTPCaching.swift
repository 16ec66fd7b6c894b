import Foundation
import Hummingbird
import NIOCore

/// A response body ready to send again: the bytes, their gzip form, and a validator.
struct CachedBody: Sendable {
    let identity: ByteBuffer
    /// nil when compressing would not pay (small bodies, images).
    let gzip: ByteBuffer?
    /// The strong validator of the identity bytes, quoted; the gzip form's is the same with `-gzip`.
    let etag: String
    let type: String
    var size: Int { identity.readableBytes + (gzip?.readableBytes ?? 0) }

    /// Types worth compressing; bodies under 1 KB are sent as they are.
    static func compressible(_ type: String) -> Bool {
        ["json", "html", "javascript", "css", "svg", "text/plain"].contains { type.contains($0) }
    }

    init(bytes: [UInt8], type: String, etag: String? = nil) {
        identity = ByteBuffer(bytes: bytes)
        self.type = type
        self.etag = etag ?? CachedBody.etag(hashing: bytes)
        gzip = bytes.count >= 1024 && Self.compressible(type) ? (try? Gzip.compress(bytes)).map { ByteBuffer(bytes: $0) } : nil
    }

    /// A validator from the content itself, for bodies that have no version of their own.
    static func etag(hashing bytes: [UInt8]) -> String { "\"h\(hex(fnv1a(bytes)))\"" }
    /// A validator from what determines the body (a layer version, the query, the representation).
    static func etag(for parts: [String]) -> String { "\"v\(hex(fnv1a(Array(parts.joined(separator: "\u{1F}").utf8))))\"" }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// How a response may be kept. Layers and pages change only when a new layer version is imported,
/// which a client cannot know about in advance: `no-cache` lets it keep the body but makes it ask
/// each time, and the question (`If-None-Match`) costs a 304 with no body. A `max-age` would leave
/// an official looking at the previous layer for that long after an import.
enum CachePolicy: Sendable {
    /// Keep, but revalidate every time (layers, pages, the map page).
    case revalidate
    /// Files that change only with a Debian package upgrade (Leaflet): a day, then revalidate.
    case day
    /// Per-request answers (the decisions ledger is written by `POST /decisions`).
    case none

    var header: String {
        switch self {
        case .revalidate: return "no-cache"
        case .day: return "public, max-age=86400"
        case .none: return "no-cache"
        }
    }
}

enum HTTPCaching {
    /// Answers `request` with `body`: 304 when the client's `If-None-Match` (or, without one,
    /// `If-Modified-Since`) still holds, gzip when the client accepts it, and the validators.
    static func respond(_ request: Request, _ body: CachedBody, policy: CachePolicy, lastModified: Date? = nil,
                        varyAccept: Bool = false) -> Response {
        let gzip = body.gzip != nil && acceptsGzip(request.headers[.acceptEncoding])
        var headers: HTTPFields = [.contentType: body.type, .cacheControl: policy.header]
        headers[.eTag] = gzip ? gzipTag(body.etag) : body.etag
        if let lastModified { headers[.lastModified] = httpDate(lastModified) }
        var vary: [String] = []
        if varyAccept { vary.append("Accept") }
        if CachedBody.compressible(body.type) { vary.append("Accept-Encoding") }
        if !vary.isEmpty { headers[.vary] = vary.joined(separator: ", ") }
        if notModified(request, etag: body.etag, lastModified: lastModified) {
            return Response(status: .notModified, headers: headers, body: ResponseBody())
        }
        if gzip, let z = body.gzip {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: z))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body.identity))
    }

    static func gzipTag(_ etag: String) -> String { String(etag.dropLast()) + "-gzip\"" }

    /// `If-None-Match` matches either form of the body (identity or gzip), weak or strong (RFC 9110
    /// 13.1.2 uses the weak comparison); without it, `If-Modified-Since` at or after the change.
    static func notModified(_ request: Request, etag: String, lastModified: Date?) -> Bool {
        if let inm = request.headers[.ifNoneMatch] {
            return inm.split(separator: ",").contains { raw in
                var t = raw.trimmingCharacters(in: .whitespaces)
                if t == "*" { return true }
                if t.hasPrefix("W/") { t.removeFirst(2) }
                return t == etag || t == gzipTag(etag)
            }
        }
        if let ims = request.headers[.ifModifiedSince], let since = parseHTTPDate(ims), let lastModified {
            return lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        }
        return false
    }

    /// `Accept-Encoding` names gzip (or `*`) with a non-zero weight.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Bool?, star: Bool?
        for part in header.lowercased().split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = fields.first else { continue }
            let q = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if name == "gzip" || name == "x-gzip" { gzip = q > 0 } else if name == "*" { star = q > 0 }
        }
        return gzip ?? star ?? false
    }

    /// RFC 9110 IMF-fixdate, built by hand: a `DateFormatter` per response cost more than the rest
    /// of a cached answer.
    static func httpDate(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
    static func parseHTTPDate(_ s: String) -> Date? { formatter().date(from: s) }
    private static func formatter() -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }
}

/// Bodies kept for one plan snapshot: each layer page, item and description once encoded (and
/// compressed). It belongs to the snapshot's `OGCFeatures`, so the swap after an import drops it
/// whole. Bounded: past `budget` bytes the oldest bodies go first.
final class BodyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [String: CachedBody] = [:]
    private var order: [String] = []
    private var bytes = 0
    let budget: Int

    init(budget: Int = 64 << 20) { self.budget = budget }

    func body(_ key: String, make: () throws -> CachedBody) rethrows -> CachedBody {
        if let hit = lock.withLock({ bodies[key] }) { return hit }
        let made = try make()
        lock.withLock {
            guard bodies[key] == nil else { return }
            bodies[key] = made
            order.append(key)
            bytes += made.size
            while bytes > budget, order.count > 1 {
                let old = order.removeFirst()
                bytes -= bodies.removeValue(forKey: old)?.size ?? 0
            }
        }
        return made
    }

    var count: Int { lock.withLock { bodies.count } }
}

/// Files under a folder that only a package upgrade changes (Leaflet), read and compressed once
/// per file version (path, size and modification time).
final class StaticFiles: @unchecked Sendable {
    static let shared = StaticFiles()
    private let cache = BodyCache(budget: 16 << 20)

    static let types = ["js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "png": "image/png",
                        "svg": "image/svg+xml", "geojson": "application/geo+json", "json": "application/json",
                        "map": "application/json"]

    func respond(_ request: Request, directory: String, parts: [String]) throws -> Response {
        guard !parts.isEmpty, parts.allSatisfy({ p in
            !p.isEmpty && p != "." && p != ".." && p.range(of: #"^[A-Za-z0-9._\-]+$"#, options: .regularExpression) != nil
        }) else { throw APIError(.notFound, "no such file") }
        let path = ([directory] + parts).joined(separator: "/")
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              (attrs[.type] as? FileAttributeType) == .typeRegular else {
            throw APIError(.notFound, "no such file: \(parts.joined(separator: "/"))")
        }
        let modified = (attrs[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        let size = (attrs[.size] as? Int) ?? 0
        let version = "\(path)|\(size)|\(modified.timeIntervalSince1970)"
        let body = try cache.body(version) {
            guard let data = FileManager.default.contents(atPath: path) else { throw APIError(.notFound, "no such file: \(parts.joined(separator: "/"))") }
            let ext = (path as NSString).pathExtension.lowercased()
            return CachedBody(bytes: [UInt8](data), type: Self.types[ext] ?? "application/octet-stream", etag: CachedBody.etag(for: [version]))
        }
        return HTTPCaching.respond(request, body, policy: .day, lastModified: modified)
    }
}
