import Foundation
import Hummingbird

/// The routes as registered, so a path that exists answers a method it lacks with 405 and an
/// `Allow` header (not 404), and `HEAD` is answered wherever `GET` is.
final class RouteTable: @unchecked Sendable {
    // Written only while the router is built, before the server starts; read-only after.
    private var entries: [(parts: [String], methods: Set<HTTPRequest.Method>)] = []

    func record(_ path: String, _ method: HTTPRequest.Method) {
        let parts = Self.split(path)
        if let i = entries.firstIndex(where: { $0.parts == parts }) { entries[i].methods.insert(method) } else { entries.append((parts, [method])) }
    }

    /// The methods the path answers, or nil when no route has this path.
    func methods(for path: String) -> Set<HTTPRequest.Method>? {
        let given = Self.split(path)
        var found: Set<HTTPRequest.Method>?
        for e in entries where Self.matches(e.parts, given) { found = (found ?? []).union(e.methods) }
        return found
    }

    static func split(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }

    static func matches(_ pattern: [String], _ given: [String]) -> Bool {
        var i = 0
        for (k, p) in pattern.enumerated() {
            if p == "**" { return given.count >= k }
            guard i < given.count else { return false }
            if !p.hasPrefix(":") && p != given[i] { return false }
            i += 1
        }
        return i == given.count
    }

    static func allowHeader(_ methods: Set<HTTPRequest.Method>) -> String {
        var names = Set(methods.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        return names.sorted().joined(separator: ", ")
    }
}

extension Router {
    /// Registers a route and records it in the table.
    @discardableResult
    func route<Output: ResponseGenerator>(_ table: RouteTable, _ method: HTTPRequest.Method, _ path: String,
                                          use handler: @escaping @Sendable (Request, Context) async throws -> Output) -> Self {
        table.record(path, method)
        if method == .get { on(RouterPath(path), method: .head, use: handler) }  // the middleware drops the body
        return on(RouterPath(path), method: method, use: handler)
    }
}

/// 405 with `Allow` for a known path and a method it lacks; HEAD answered as GET without a body.
struct MethodGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .head {
            var response = try await next(request, context)
            let length = response.body.contentLength
            response.body = ResponseBody()
            if let length { response.headers[.contentLength] = String(length) }
            return response
        }
        guard let allowed = table.methods(for: request.uri.path), !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = RouteTable.allowHeader(allowed)
        throw APIError(.methodNotAllowed, "\(request.method.rawValue) is not supported on \(request.uri.path.prefix(200)); allowed: \(allow)",
                       headers: [.allow: allow])
    }
}

extension Parameters {
    /// A path parameter, percent-decoded (`platform%2Dnat` is `platform-nat`).
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
