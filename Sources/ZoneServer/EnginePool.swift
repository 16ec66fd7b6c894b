import Foundation
import Hummingbird
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneStore
import ZoneVetting

/// One task's GEOS/PROJ contexts: a vetting engine and (built on first use) a spatial query.
/// Never used by two requests at once: the pool hands it to one borrower at a time.
final class Worker: @unchecked Sendable {
    let vetting: VettingEngine
    private var _query: SpatialQuery?
    let snapshot: PlanSnapshot
    var plan: PlanData { snapshot.plan }
    init(snapshot: PlanSnapshot) throws {
        self.snapshot = snapshot
        vetting = try snapshot.makeEngine()
    }
    var engine: GeometryEngine { vetting.engine }
    func query() throws -> SpatialQuery {
        if let q = _query { return q }
        let q = try snapshot.makeQuery()
        _query = q
        return q
    }
}

/// A bounded pool of workers built from one shared, immutable plan snapshot. A borrower waits when
/// all `capacity` workers are busy, so memory stays flat however many requests arrive.
actor EnginePool {
    let snapshot: PlanSnapshot
    let capacity: Int
    private var free: [Worker] = []
    private var created = 0
    private var waiters: [CheckedContinuation<Worker, Never>] = []

    init(snapshot: PlanSnapshot, capacity: Int) {
        self.snapshot = snapshot
        self.capacity = capacity
    }

    func acquire() async throws -> Worker {
        if let w = free.popLast() { return w }
        if created < capacity {
            created += 1
            do { return try Worker(snapshot: snapshot) } catch { created -= 1; throw error }
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ w: Worker) {
        if waiters.isEmpty { free.append(w) } else { waiters.removeFirst().resume(returning: w) }
    }

    var stats: (created: Int, free: Int) { (created, free.count) }

    /// Runs `body` with a worker of its own.
    nonisolated func with<T>(_ body: (Worker) throws -> T) async throws -> T {
        let w = try await acquire()
        do {
            let r = try body(w)
            await release(w)
            return r
        } catch {
            await release(w)
            throw error
        }
    }
}

/// The workspace (a SQLite/PostGIS connection is single-thread): one connection per use, and
/// uses serialised so two writers never race for SQLite's lock.
struct TokenCheck: Sendable {
    let token: [UInt8]?

    func authorize(_ header: String?) throws {
        guard let token else {
            throw APIError(.forbidden, "writes are disabled: start the server with --token-file FILE or $ZONEPLAN_TOKEN")
        }
        var challenge = HTTPFields()
        challenge[.wwwAuthenticate] = "Bearer realm=\"zoneplan\""
        guard let header, header.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, "this endpoint needs a bearer token (Authorization: Bearer …)", headers: challenge)
        }
        let given = Array(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        guard Self.constantTimeEquals(given, token) else {
            throw APIError(.unauthorized, "the bearer token is not valid", headers: challenge)
        }
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff: UInt8 = a.count == b.count ? 0 : 1
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0
    }
}
