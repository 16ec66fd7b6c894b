import Foundation
import Hummingbird
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneStore
import ZoneVetting

/// An error answer: JSON `{"error": "<one line>", "status": N, "request_id": "…"}`. The line is
/// the same one the CLI prints (without its `zoneplan: error:` prefix).
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var errors: [String]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, errors: [String] = [], headers: HTTPFields = [:]) {
        self.status = status; self.message = message; self.errors = errors; self.headers = headers
    }
    public var description: String { "\(status.code) \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var o: [String: JSONValue] = ["error": .string(message), "status": .number(Double(status.code)),
                                      "request_id": .string(context.id)]
        if !errors.isEmpty { o["errors"] = .array(errors.map(JSONValue.string)) }
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(o).serialized() + "\n")))
    }

    /// The answer for an error of any layer: bad input 4xx with its one-line message, else 500.
    static func from(_ error: Error, maxBody: Int) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as ApplicationError: return APIError(.badRequest, e.description)
        case let e as BaobuError: return APIError(.badRequest, e.description)
        case let e as GeoJSONError: return APIError(.badRequest, "\(e)")
        case let e as PlanDataError: return APIError(.badRequest, "invalid: \(e)")
        case let e as QueryError:
            return APIError(e.exitCode == 5 ? .notFound : .badRequest, e.description)
        case let e as NotPermitted: return APIError(.forbidden, e.message)
        case let e as WorkspaceError:
            switch e.kind {
            case .badInput: return APIError(.badRequest, e.message)
            case .notFound: return APIError(.notFound, e.message)
            case .notInitialized: return APIError(.serviceUnavailable, e.message)
            case .conflict: return APIError(.conflict, e.message)
            }
        case let e as HTTPResponseError:
            if e.status == .contentTooLarge {
                return APIError(.contentTooLarge, "request body larger than \(maxBody) bytes")
            }
            return APIError(e.status, e.status.reasonPhrase)
        default:
            // The detail (which may name SQL or a C library's message) goes to the log only.
            return APIError(.internalServerError, "internal error: the server log has the details under this request id")
        }
    }
}

/// Turns every thrown error into an `APIError` answer (and logs it); the server keeps serving.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBody: Int
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let e = APIError.from(error, maxBody: maxBody)
            if e.status.code >= 500 {
                context.logger.error("request failed", metadata: ["status": "\(e.status.code)", "error": "\(String(describing: error))"])
            } else {
                context.logger.info("request refused", metadata: ["status": "\(e.status.code)", "error": "\(e.message)"])
            }
            response = try e.response(from: request, context: context)
        }
        response.headers[.init("X-Request-Id")!] = context.id
        return response
    }
}
