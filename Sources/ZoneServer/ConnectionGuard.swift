import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Limits on one connection, so slow or idle clients cannot hold the server's connections.
public struct ConnectionLimits: Sendable {
    /// A request's head must arrive within this long from connecting (and within `idleSeconds`
    /// of the end of the previous request on a kept-alive connection): trickled headers are cut off.
    public var headSeconds: Int64
    /// A request's body must arrive within this long after its head.
    public var bodySeconds: Int64
    /// A connection with no traffic at all is closed after this long.
    public var idleSeconds: Int64
    /// At most this many connections at once; more wait in the listen backlog.
    public var maxConnections: Int
    public init(headSeconds: Int64 = 10, bodySeconds: Int64 = 30, idleSeconds: Int64 = 30, maxConnections: Int = 256) {
        self.headSeconds = headSeconds; self.bodySeconds = bodySeconds; self.idleSeconds = idleSeconds; self.maxConnections = maxConnections
    }
}

/// Hummingbird's HTTP/1 channel with a deadline handler in front of its HTTP-types codec.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let limits: ConnectionLimits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Right after the HTTP/1 decoder, where the request's version is still known.
            let decoder = try channel.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(RequestDeadlineHandler(limits), position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    static func guardedHTTP1(_ limits: ConnectionLimits) -> HTTPServerBuilder {
        .init { responder in
            GuardedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .seconds(limits.idleSeconds))),
                                limits: limits)
        }
    }
}

/// Closes a connection whose request head or body does not arrive in time, and marks an HTTP/1.0
/// request without keep-alive `Connection: close` so the connection ends after its response.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    let limits: ConnectionLimits
    private var deadline: Scheduled<Void>?

    init(_ limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context, seconds: limits.headSeconds)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(var head):
            arm(context, seconds: limits.bodySeconds)
            if head.version.major == 1 && head.version.minor == 0 && !head.isKeepAlive {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            // Between requests on a kept-alive connection the idle limit applies.
            arm(context, seconds: max(limits.headSeconds, limits.idleSeconds))
            context.fireChannelRead(data)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext, seconds: Int64) {
        deadline?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: .seconds(seconds)) {
            loopBound.value.close(promise: nil)
        }
    }
}
