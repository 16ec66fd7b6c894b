import CGEOS

// Internal owners of GEOS C handles. Each final class owns exactly one handle and frees it in
// deinit. Objects that depend on a context keep a strong reference to it, so the context is
// finished last. None of these types is thread-safe: a GEOS context handle must only be used
// by one thread at a time.

/// Owns one `GEOSContextHandle_t` (GEOS_init_r / GEOS_finish_r) and records the last notice
/// and error message that GEOS sent to its handlers.
final class GEOSContext {
    /// `nil` only if GEOS_init_r returned NULL (out of memory); every use then throws.
    let handleOrNil: OpaquePointer?
    var lastError: String?
    var lastNotice: String?

    init() {
        handleOrNil = GEOS_init_r()
        guard let h = handleOrNil else { return }
        let me = Unmanaged.passUnretained(self).toOpaque()  // context outlives its handlers: no retain needed
        _ = GEOSContext_setErrorMessageHandler_r(h, { message, userdata in
            guard let userdata else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.lastError = message.map { String(cString: $0) } ?? "unknown GEOS error"
        }, me)
        _ = GEOSContext_setNoticeMessageHandler_r(h, { message, userdata in
            guard let userdata else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.lastNotice = message.map { String(cString: $0) }
        }, me)
    }

    deinit {
        if let h = handleOrNil { GEOS_finish_r(h) }
    }

    func handle() throws -> OpaquePointer {
        guard let h = handleOrNil else {
            throw GEOSError(function: "GEOS_init_r", message: "returned NULL")
        }
        lastError = nil
        return h
    }

    func error(_ function: String) -> GEOSError {
        GEOSError(function: function, message: lastError ?? "no message from GEOS")
    }

    /// Checks a GEOS predicate result: 0 false, 1 true, 2 exception.
    func predicate(_ function: String, _ r: CChar) throws -> Bool {
        switch r {
        case 0: return false
        case 1: return true
        default: throw error(function)
        }
    }
}

/// Owns one `GEOSGeometry*` (GEOSGeom_destroy_r), unless ownership was handed to GEOS.
final class GEOSObject {
    let context: GEOSContext
    let pointer: OpaquePointer
    private var owned = true

    init(context: GEOSContext, pointer: OpaquePointer) {
        self.context = context
        self.pointer = pointer
    }

    /// Hands the geometry to a GEOS function that takes ownership (e.g. createCollection);
    /// this object will no longer free it.
    func releaseOwnership() -> OpaquePointer {
        owned = false
        return pointer
    }

    deinit {
        if owned, let h = context.handleOrNil { GEOSGeom_destroy_r(h, pointer) }
    }
}

/// Owns one `GEOSPreparedGeometry*`; keeps the base geometry alive (GEOS borrows it).
final class GEOSPrepared {
    let base: GEOSObject
    let pointer: OpaquePointer

    init(base: GEOSObject) throws {
        let h = try base.context.handle()
        guard let p = GEOSPrepare_r(h, base.pointer) else { throw base.context.error("GEOSPrepare_r") }
        self.base = base
        self.pointer = p
    }

    deinit {
        if let h = base.context.handleOrNil { GEOSPreparedGeom_destroy_r(h, pointer) }
    }
}

/// Owns one `GEOSSTRtree*`; keeps the inserted geometries alive (the tree borrows them).
final class GEOSTree {
    let context: GEOSContext
    let pointer: OpaquePointer
    var items: [GEOSObject] = []

    init(context: GEOSContext, nodeCapacity: Int) throws {
        let h = try context.handle()
        guard let t = GEOSSTRtree_create_r(h, nodeCapacity) else { throw context.error("GEOSSTRtree_create_r") }
        self.context = context
        self.pointer = t
    }

    deinit {
        if let h = context.handleOrNil { GEOSSTRtree_destroy_r(h, pointer) }
    }
}

/// Owns one `GEOSWKTReader*`.
final class GEOSWKTReaderHandle {
    let context: GEOSContext
    let pointer: OpaquePointer
    init(context: GEOSContext) throws {
        let h = try context.handle()
        guard let r = GEOSWKTReader_create_r(h) else { throw context.error("GEOSWKTReader_create_r") }
        self.context = context
        self.pointer = r
    }
    deinit { if let h = context.handleOrNil { GEOSWKTReader_destroy_r(h, pointer) } }
}

/// Owns one `GEOSWKTWriter*`.
final class GEOSWKTWriterHandle {
    let context: GEOSContext
    let pointer: OpaquePointer
    init(context: GEOSContext) throws {
        let h = try context.handle()
        guard let w = GEOSWKTWriter_create_r(h) else { throw context.error("GEOSWKTWriter_create_r") }
        self.context = context
        self.pointer = w
    }
    deinit { if let h = context.handleOrNil { GEOSWKTWriter_destroy_r(h, pointer) } }
}

/// Owns one `GEOSWKBReader*`.
final class GEOSWKBReaderHandle {
    let context: GEOSContext
    let pointer: OpaquePointer
    init(context: GEOSContext) throws {
        let h = try context.handle()
        guard let r = GEOSWKBReader_create_r(h) else { throw context.error("GEOSWKBReader_create_r") }
        self.context = context
        self.pointer = r
    }
    deinit { if let h = context.handleOrNil { GEOSWKBReader_destroy_r(h, pointer) } }
}

/// Owns one `GEOSWKBWriter*`.
final class GEOSWKBWriterHandle {
    let context: GEOSContext
    let pointer: OpaquePointer
    init(context: GEOSContext) throws {
        let h = try context.handle()
        guard let w = GEOSWKBWriter_create_r(h) else { throw context.error("GEOSWKBWriter_create_r") }
        self.context = context
        self.pointer = w
    }
    deinit { if let h = context.handleOrNil { GEOSWKBWriter_destroy_r(h, pointer) } }
}
